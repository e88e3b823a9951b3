package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.OutputFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

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
    /** The {@code parsed} column's type, or null when the result has none. */
    private final StructType parsedType;

    /** @param columns the prompt (one text column), and optionally per-row settings and per-row setting columns */
    public GenerateRows(Broadcast<ModelHandle> model, GenerateSettings settings, InputColumns columns, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.columns = columns;
        this.progress = progress;
        this.parsedType = settings.output().parsedType();
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
            LlamaSettings own = new LlamaSettings(Map.of()).with(columns.settings(in), LlamaTask.GENERATE.rowSettings());
            return withOutput(RowRequests.of(engine, in, settings, columns), in, own);
        }

        @Override
        public Row completed(Row in, GenerationResult r) {
            int promptTokens = r.promptTokens().length;
            progress.add(1, promptTokens, r.tokens().length, 0);
            Object alternatives = SparkValues.alternatives(r.topK(), r.topIds(), r.topLogprobs());
            if (parsedType == null) {
                return RowFactory.create(r.text(), promptTokens, SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()),
                        r.finishReason().label(), null, alternatives);
            }
            return RowFactory.create(r.text(), promptTokens, SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()),
                    r.finishReason().label(), null, alternatives, ParsedColumn.parse(r.text(), parsedType));
        }

        @Override
        public Row failed(Row in, InvalidRequestException e) {
            progress.add(1, 0, 0, 1);
            return parsedType == null ? RowFactory.create(null, null, null, null, null, e.getMessage(), null)
                    : RowFactory.create(null, null, null, null, null, e.getMessage(), null, null);
        }
    }

    /**
     * The request with its top_logprobs and output format: a row's own column, then its settings map,
     * then the job's; a row's own json_schema or choices replaces the job's format.
     */
    private GenerationRequest withOutput(GenerationRequest request, Row in, LlamaSettings row) {
        OutputOptions job = settings.output();
        int top = (int) InputColumns.number(in, columns.topLogprobs(), row.integer("top_logprobs", job.topLogprobs(), 0)).longValue();
        String schema = InputColumns.string(in, columns.jsonSchema());
        List<String> choices = InputColumns.strings(in, columns.choices());
        if (schema == null && choices == null) {
            schema = row.string("json_schema", null);
            String labels = row.string("choices", null);
            choices = labels == null ? null : OutputOptions.parseChoices(labels);
        }
        OutputFormat format = schema == null && choices == null ? job.format() : OutputOptions.format(schema, choices);
        return request.withOutput(top, format);
    }
}
