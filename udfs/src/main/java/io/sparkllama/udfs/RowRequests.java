package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.SampleSeeds;
import io.sparkllama.engine.generate.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A generate input row as a request: the prompt or the chat ({@code messages}, or {@code system}
 * with the prompt) through its template, and every setting from the row's own column where it has
 * a value, else from its settings map, else from the job's settings. A row's {@code sample_index}
 * (from {@link SampleRows}) picks its seed ({@link SampleSeeds}).
 */
final class RowRequests {
    private RowRequests() {
    }

    static GenerationRequest of(Engine engine, Row in, GenerateSettings s, InputColumns c) {
        GenerateOptions o = s.options();
        LlamaSettings own = new LlamaSettings(Map.of()).with(c.settings(in), LlamaTask.GENERATE.rowSettings());
        GenerateOptions.checkN(InputColumns.number(in, c.column("n"), o.n()).longValue());
        int sample = (int) InputColumns.number(in, c.column(SampleRows.SAMPLE_INDEX), 0).longValue();
        long seed = InputColumns.number(in, c.column("seed"), own.longValue("seed", s.seed())).longValue();
        SamplingParams sampling = new SamplingParams(
                number(in, c, own, "temperature", s.temperature()), (int) InputColumns.number(in, c.column("top_k"),
                        own.integer("top_k", s.topK(), 0)).longValue(), number(in, c, own, "top_p", s.topP()),
                SampleSeeds.of(seed, sample), number(in, c, own, "min_p", o.minP()),
                number(in, c, own, "repetition_penalty", o.repetitionPenalty()), number(in, c, own, "frequency_penalty", o.frequencyPenalty()),
                number(in, c, own, "presence_penalty", o.presencePenalty()), LogitBias.of(logitBias(in, c, own, o)));
        int maxTokens = (int) InputColumns.number(in, c.column("max_tokens"), own.integer("max_tokens", s.maxTokens(), 0)).longValue();
        List<String> stop = stop(in, c, own, o);
        String template = string(in, c.column("template"));
        List<ChatMessage> chat = chat(in, c, o, template);
        if (chat == null) {
            String prompt = c.text(in, 0);
            if (prompt == null || prompt.isEmpty()) {
                throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
            }
            return new GenerationRequest(engine.tokenizer().encode(prompt, true), maxTokens, sampling, new int[0], stop);
        }
        return engine.chatPrompt(template != null ? template : o.chatTemplate(), chat).request(maxTokens, sampling, stop);
    }

    /** The row's conversation, or null for a plain completion. */
    private static List<ChatMessage> chat(Row in, InputColumns c, GenerateOptions o, String template) {
        int m = c.column("messages");
        if (m >= 0 && !in.isNullAt(m)) {
            List<Row> messages = in.getList(m);
            if (messages.isEmpty()) {
                throw new InvalidRequestException("messages is empty");
            }
            List<ChatMessage> out = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                Row msg = messages.get(i);
                String role = msg == null ? null : field(msg, "role");
                String content = msg == null ? null : field(msg, "content");
                if (role == null || content == null) {
                    throw new InvalidRequestException("messages[" + i + "] needs a role and a content");
                }
                out.add(new ChatMessage(role, content));
            }
            return out;
        }
        String system = string(in, c.column("system"));
        if (system == null && !o.chatAll() && template == null) {
            return null;
        }
        String prompt = c.text(in, 0);
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

    private static List<String> stop(Row in, InputColumns c, LlamaSettings own, GenerateOptions o) {
        int i = c.column("stop");
        if (i < 0 || in.isNullAt(i)) {
            String json = own.string("stop", null);
            return json == null ? o.stop() : GenerateOptions.parseStop(json);
        }
        if (in.get(i) instanceof String json) {
            return GenerateOptions.parseStop(json);
        }
        return new ArrayList<>(in.getList(i));
    }

    private static Map<Integer, Float> logitBias(Row in, InputColumns c, LlamaSettings own, GenerateOptions o) {
        int i = c.column("logit_bias");
        if (i < 0 || in.isNullAt(i)) {
            String json = own.string("logit_bias", null);
            return json == null ? o.logitBias() : GenerateOptions.parseLogitBias(json);
        }
        if (in.get(i) instanceof String json) {
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

    /** The row's column for {@code name}, else its settings map's value, else the job's. */
    private static float number(Row in, InputColumns c, LlamaSettings own, String name, float fallback) {
        return InputColumns.number(in, c.column(name), own.number(name, fallback)).floatValue();
    }

    private static String string(Row in, int column) {
        return column < 0 || in.isNullAt(column) ? null : in.getString(column);
    }

    // A message struct's field by name: JSON input sorts the struct's fields, so their order varies.
    private static String field(Row msg, String name) {
        if (msg.schema() == null) {
            return null;
        }
        int i;
        try {
            i = msg.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return msg.isNullAt(i) ? null : msg.getString(i);
    }
}
