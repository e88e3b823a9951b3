package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.chat.ChatMessage;
import io.sparkllama.engine.chat.ChatTemplate;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.sampling.LogitBias;
import io.sparkllama.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A generate input row as a request: the prompt or the chat ({@code messages}, or {@code system}
 * with {@code prompt}) through its template, and every setting from the row's own column where it
 * has a value, else from the job's settings. A row's {@code sample_index} (from {@link SampleRows})
 * picks its seed ({@link SampleSeeds}).
 */
final class RowRequests {
    private RowRequests() {
    }

    static GenerationRequest of(Engine engine, Row in, GenerateSettings s) {
        GenerateOptions o = s.options();
        GenerateOptions.checkN(longOr(in, "n", o.n()));
        int sample = (int) longOr(in, SampleRows.SAMPLE_INDEX, 0);
        SamplingParams sampling = new SamplingParams(
                floatOr(in, "temperature", s.temperature()), (int) longOr(in, "top_k", s.topK()), floatOr(in, "top_p", s.topP()),
                SampleSeeds.of(longOr(in, "seed", s.seed()), sample), floatOr(in, "min_p", o.minP()),
                floatOr(in, "repetition_penalty", o.repetitionPenalty()), floatOr(in, "frequency_penalty", o.frequencyPenalty()),
                floatOr(in, "presence_penalty", o.presencePenalty()), LogitBias.of(logitBias(in, o)));
        int maxTokens = (int) longOr(in, "max_tokens", s.maxTokens());
        List<String> stop = stop(in, o);
        List<ChatMessage> chat = chat(in, o);
        if (chat == null) {
            String prompt = stringOr(in, "prompt");
            if (prompt == null || prompt.isEmpty()) {
                throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
            }
            return new GenerationRequest(engine.tokenizer().encode(prompt, true), maxTokens, sampling, new int[0], stop);
        }
        String name = stringOr(in, "template");
        ChatTemplate template = engine.chatTemplate(name != null ? name : o.template());
        return new GenerationRequest(template.encode(chat), maxTokens, sampling, template.stopTokens(), stop);
    }

    /** The row's conversation, or null for a plain completion. */
    private static List<ChatMessage> chat(Row in, GenerateOptions o) {
        int m = fieldIndex(in, "messages");
        if (m >= 0 && !in.isNullAt(m)) {
            List<Row> messages = in.getList(m);
            if (messages.isEmpty()) {
                throw new InvalidRequestException("messages is empty");
            }
            List<ChatMessage> out = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                Row msg = messages.get(i);
                String role = msg == null ? null : stringOr(msg, "role");
                String content = msg == null ? null : stringOr(msg, "content");
                if (role == null || content == null) {
                    throw new InvalidRequestException("messages[" + i + "] needs a role and a content");
                }
                out.add(new ChatMessage(role, content));
            }
            return out;
        }
        String system = stringOr(in, "system");
        if (system == null && !o.chatAll() && stringOr(in, "template") == null) {
            return null;
        }
        String prompt = stringOr(in, "prompt");
        if (prompt == null) {
            throw new InvalidRequestException("prompt is null (a chat row needs messages, or a prompt with an optional system)");
        }
        List<ChatMessage> out = new ArrayList<>(2);
        if (system != null) {
            out.add(new ChatMessage("system", system));
        }
        out.add(new ChatMessage("user", prompt));
        return out;
    }

    private static List<String> stop(Row in, GenerateOptions o) {
        int i = fieldIndex(in, "stop");
        if (i < 0 || in.isNullAt(i)) {
            return o.stop();
        }
        Object v = in.get(i);
        if (v instanceof String json) {
            return GenerateOptions.parseStop(json);
        }
        List<String> out = new ArrayList<>(in.getList(i));
        return out;
    }

    private static Map<Integer, Float> logitBias(Row in, GenerateOptions o) {
        int i = fieldIndex(in, "logit_bias");
        if (i < 0 || in.isNullAt(i)) {
            return o.logitBias();
        }
        Object v = in.get(i);
        if (v instanceof String json) {
            return GenerateOptions.parseLogitBias(json);
        }
        Map<Integer, Float> out = new HashMap<>();
        for (Map.Entry<Object, Object> e : in.<Object, Object>getJavaMap(i).entrySet()) {
            if (e.getValue() == null) {
                throw new InvalidRequestException("logit_bias for id " + e.getKey() + " is null");
            }
            out.put(((Number) e.getKey()).intValue(), ((Number) e.getValue()).floatValue());
        }
        return out;
    }

    static int fieldIndex(Row row, String name) {
        if (row.schema() == null) {
            return -1;
        }
        try {
            return row.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    static String stringOr(Row row, String name) {
        int i = fieldIndex(row, name);
        return i < 0 || row.isNullAt(i) ? null : row.getString(i);
    }

    private static float floatOr(Row row, String name, float fallback) {
        int i = fieldIndex(row, name);
        return i < 0 || row.isNullAt(i) ? fallback : ((Number) row.get(i)).floatValue();
    }

    static long longOr(Row row, String name, long fallback) {
        int i = fieldIndex(row, name);
        return i < 0 || row.isNullAt(i) ? fallback : ((Number) row.get(i)).longValue();
    }
}
