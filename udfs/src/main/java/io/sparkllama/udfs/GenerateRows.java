package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * The generate job's {@code mapPartitions} function: one output row per input row, in order.
 * A row that cannot be served (null or empty prompt, prompt over the context, bad settings) gets
 * an {@code error} value and the partition goes on; anything else fails the task, so Spark retries it.
 */
public final class GenerateRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final GenerateSettings settings;
    private final GenerateProgress progress;

    public GenerateRows(Broadcast<ModelHandle> model, GenerateSettings settings, GenerateProgress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = engine.newSession(settings.threads());
        return new Iterator<>() {
            private boolean open = true;

            @Override
            public boolean hasNext() {
                boolean more = rows.hasNext();
                if (!more && open) {
                    session.close();
                    open = false;
                }
                return more;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return generate(engine, session, rows.next());
            }
        };
    }

    private Row generate(Engine engine, InferenceSession session, Row in) {
        Object id = in.get(in.fieldIndex("id"));
        String prompt = in.getAs("prompt");
        try {
            if (prompt == null || prompt.isEmpty()) {
                throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
            }
            SamplingParams sampling = new SamplingParams(
                    floatOr(in, "temperature", settings.temperature()), settings.topK(), settings.topP(), longOr(in, "seed", settings.seed()));
            int maxTokens = (int) longOr(in, "max_tokens", settings.maxTokens());
            int[] promptTokens = engine.tokenizer().encode(prompt, true);
            GenerationResult r = session.generate(new GenerationRequest(promptTokens, maxTokens, sampling));
            progress.add(1, promptTokens.length, r.tokens().length, 0);
            return RowFactory.create(id, prompt, r.text(), promptTokens.length, boxed(r.tokens()), boxed(r.logprobs()),
                    r.finishReason().label(), null);
        } catch (InvalidRequestException e) {
            progress.add(1, 0, 0, 1);
            return RowFactory.create(id, prompt, null, null, null, null, null, e.getMessage());
        }
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

    // Spark's Row wants boxed arrays; this runs once per row, not per token.
    private static Integer[] boxed(int[] a) {
        Integer[] out = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static Float[] boxed(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** Accumulators the driver reads for progress and the summary. */
    public record GenerateProgress(LongAccumulator rows, LongAccumulator promptTokens, LongAccumulator generatedTokens,
                                   LongAccumulator errors) implements java.io.Serializable {
        void add(long r, long p, long g, long e) {
            rows.add(r);
            promptTokens.add(p);
            generatedTokens.add(g);
            errors.add(e);
        }
    }
}
