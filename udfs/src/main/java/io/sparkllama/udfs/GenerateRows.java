package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The generate job's {@code mapPartitions} function: the partition's rows stream through one
 * running batch of at most {@code batch_size} sequences ({@link GenerationStream}: a row joins as
 * another finishes), and there are {@code n} output rows per input row ({@link SampleRows}: one per
 * sample, with its {@code sample_index}), in input order. A row that cannot
 * be served (null or empty prompt, prompt over the context, bad settings) gets an {@code error}
 * value and the partition goes on; anything else fails the task, so Spark retries it. The engine
 * session is closed when the input ends, and in any case when the task ends ({@link TaskScope}).
 */
public final class GenerateRows implements MapPartitionsFunction<Row, Row> {
    /** Rows held for input order, per batch slot: a long row at the head delays emitting, not generating. */
    public static final int REORDER_ROWS_PER_SLOT = 16;

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
        InferenceSession session = TaskScope.closeAtTaskEnd(
                TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        int batch = Math.max(1, settings.batchSize());
        return new GenerationStream(new SampleRows(rows, settings.options().n()), session.batchGenerator(batch), REORDER_ROWS_PER_SLOT * batch,
                new Codec(engine), session::close);
    }

    /** Rows to requests and results to the generate job's output rows, counting progress. */
    private final class Codec implements GenerationStream.RowCodec {
        private final Engine engine;

        Codec(Engine engine) {
            this.engine = engine;
        }

        @Override
        public GenerationRequest request(Row in) {
            return RowRequests.of(engine, in, settings);
        }

        @Override
        public Row completed(Row in, GenerationResult r) {
            int promptTokens = r.promptTokens().length;
            progress.add(1, promptTokens, r.tokens().length, 0);
            return RowFactory.create(id(in), sampleIndex(in), RowRequests.stringOr(in, "prompt"), r.text(), promptTokens,
                    SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()), r.finishReason().label(), null);
        }

        @Override
        public Row failed(Row in, InvalidRequestException e) {
            return errorRow(in, e);
        }
    }

    private Row errorRow(Row in, InvalidRequestException e) {
        progress.add(1, 0, 0, 1);
        return RowFactory.create(id(in), sampleIndex(in), RowRequests.stringOr(in, "prompt"), null, null, null, null, null, e.getMessage());
    }

    private static Object id(Row in) {
        return in.get(in.fieldIndex("id"));
    }

    private static int sampleIndex(Row in) {
        return (int) RowRequests.longOr(in, SampleRows.SAMPLE_INDEX, 0);
    }
}
