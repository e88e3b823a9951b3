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
 * Completions of a partition's prompts, the row function of {@code generate} (job, DataFrame API,
 * SQL): the rows stream through one running batch of at most {@code batch_size} sequences
 * ({@link GenerationStream}: a row joins as another finishes), and there is one result row
 * ({@link LlamaTask#GENERATE}'s fields) per input row, in input order (for {@code n} samples the
 * input already holds each row once per sample, {@link SampleRows}). Rows become requests in
 * {@link RowRequests} (plain prompts and chats, per-row settings). A row that cannot be served
 * (null or empty prompt, prompt over the context, bad settings) gets an {@code error} value and the
 * partition goes on; anything else fails the task, so Spark retries it. The engine session is
 * closed when the input ends, and in any case when the task ends ({@link TaskScope}).
 */
public final class GenerateRows implements MapPartitionsFunction<Row, Row> {
    /** Rows held for input order, per batch slot: a long row at the head delays emitting, not generating. */
    public static final int REORDER_ROWS_PER_SLOT = 16;

    private final Broadcast<ModelHandle> model;
    private final GenerateSettings settings;
    private final InputColumns columns;
    private final JobProgress progress;

    /** @param columns the prompt (one text column), and optionally per-row settings and per-row setting columns */
    public GenerateRows(Broadcast<ModelHandle> model, GenerateSettings settings, InputColumns columns, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.columns = columns;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = TaskScope.closeAtTaskEnd(
                TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        int batch = Math.max(1, settings.batchSize());
        return new GenerationStream(rows, session.batchGenerator(batch), REORDER_ROWS_PER_SLOT * batch, new Codec(engine), session::close);
    }

    /** Rows to requests and results to result rows, counting progress. */
    private final class Codec implements GenerationStream.RowCodec {
        private final Engine engine;

        Codec(Engine engine) {
            this.engine = engine;
        }

        @Override
        public GenerationRequest request(Row in) {
            return RowRequests.of(engine, in, settings, columns);
        }

        @Override
        public Row completed(Row in, GenerationResult r) {
            int promptTokens = r.promptTokens().length;
            progress.add(1, promptTokens, r.tokens().length, 0);
            return RowFactory.create(r.text(), promptTokens, SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()),
                    r.finishReason().label(), null);
        }

        @Override
        public Row failed(Row in, InvalidRequestException e) {
            progress.add(1, 0, 0, 1);
            return RowFactory.create(null, null, null, null, null, e.getMessage());
        }
    }
}
