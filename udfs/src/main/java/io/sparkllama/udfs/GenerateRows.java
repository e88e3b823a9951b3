package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The generate job's {@code mapPartitions} function: rows are pulled in micro-batches, the batch's
 * valid requests go to the engine together, and there is one output row per input row, in order.
 * A row that cannot be served (null or empty prompt, prompt over the context, bad settings) gets
 * an {@code error} value and the partition goes on; anything else fails the task, so Spark retries it.
 */
public final class GenerateRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final GenerateSettings settings;
    private final JobProgress progress;

    public GenerateRows(Broadcast<ModelHandle> model, GenerateSettings settings, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value());
        return new RowBatches(rows, settings.batchSize(), batch -> generateAll(engine, session, batch), session::close);
    }

    private List<Row> generateAll(Engine engine, InferenceSession session, List<Row> batch) {
        Row[] out = new Row[batch.size()];
        List<GenerationRequest> requests = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Row in = batch.get(i);
            try {
                GenerationRequest request = request(engine, in);
                session.check(request); // a bad row (over the context or the KV budget) must not fail the batch
                requests.add(request);
                slots.add(i);
            } catch (InvalidRequestException e) {
                out[i] = errorRow(in, e);
            }
        }
        // Continuous batching: results are bit-identical to generating each request alone.
        List<GenerationResult> results;
        try {
            results = requests.isEmpty() ? List.of() : session.generateAll(requests, settings.batchSize());
        } catch (InvalidRequestException e) {
            // A step of the batch failed (non-finite logits: the weights hold NaN): every row it carried gets the error.
            for (int slot : slots) {
                out[slot] = errorRow(batch.get(slot), e);
            }
            return List.of(out);
        }
        for (int k = 0; k < requests.size(); k++) {
            Row in = batch.get(slots.get(k));
            GenerationRequest request = requests.get(k);
            GenerationResult r = results.get(k);
            progress.add(1, request.promptTokens().length, r.tokens().length, 0);
            out[slots.get(k)] = RowFactory.create(id(in), in.getAs("prompt"), r.text(), request.promptTokens().length,
                    SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()), r.finishReason().label(), null);
        }
        return List.of(out);
    }

    private GenerationRequest request(Engine engine, Row in) {
        String prompt = in.getAs("prompt");
        if (prompt == null || prompt.isEmpty()) {
            throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
        }
        SamplingParams sampling = new SamplingParams(
                floatOr(in, "temperature", settings.temperature()), settings.topK(), settings.topP(), longOr(in, "seed", settings.seed()));
        int maxTokens = (int) longOr(in, "max_tokens", settings.maxTokens());
        return new GenerationRequest(engine.tokenizer().encode(prompt, true), maxTokens, sampling);
    }

    private Row errorRow(Row in, InvalidRequestException e) {
        progress.add(1, 0, 0, 1);
        return RowFactory.create(id(in), in.getAs("prompt"), null, null, null, null, null, e.getMessage());
    }

    private static Object id(Row in) {
        return in.get(in.fieldIndex("id"));
    }

    private static int fieldIndex(Row row, String name) {
        try {
            return row.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static float floatOr(Row row, String name, float fallback) {
        int i = fieldIndex(row, name);
        return i < 0 || row.isNullAt(i) ? fallback : ((Number) row.get(i)).floatValue();
    }

    private static long longOr(Row row, String name, long fallback) {
        int i = fieldIndex(row, name);
        return i < 0 || row.isNullAt(i) ? fallback : ((Number) row.get(i)).longValue();
    }
}
