package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.engine.structured.OutputConstraint;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The generate job's {@code mapPartitions} function: the partition's rows stream through one
 * running batch of at most {@code batch_size} sequences ({@link GenerationStream}: a row joins as
 * another finishes), and there is one output row per input row, in input order. A row that cannot
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
    /** The {@code parsed} column's type, or null when the output has none. */
    private final StructType parsedType;

    public GenerateRows(Broadcast<ModelHandle> model, GenerateSettings settings, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        String outputSchema = settings.output().outputSchema();
        this.parsedType = outputSchema == null ? null : ParsedColumn.type(outputSchema, settings.output().jsonSchema());
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = TaskScope.closeAtTaskEnd(
                TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        int batch = Math.max(1, settings.batchSize());
        return new GenerationStream(rows, session.batchGenerator(batch), REORDER_ROWS_PER_SLOT * batch, new Codec(engine), session::close);
    }

    /** Rows to requests and results to the generate job's output rows, counting progress. */
    private final class Codec implements GenerationStream.RowCodec {
        private final Engine engine;

        Codec(Engine engine) {
            this.engine = engine;
        }

        @Override
        public GenerationRequest request(Row in) {
            return GenerateRows.this.request(engine, in);
        }

        @Override
        public Row completed(Row in, GenerationResult r) {
            int promptTokens = r.promptTokens().length;
            progress.add(1, promptTokens, r.tokens().length, 0);
            Object alternatives = SparkValues.alternatives(r.topK(), r.topIds(), r.topLogprobs());
            if (parsedType == null) {
                return RowFactory.create(id(in), in.getAs("prompt"), r.text(), promptTokens,
                        SparkValues.boxed(r.tokens()), SparkValues.boxed(r.logprobs()), r.finishReason().label(), null, alternatives);
            }
            return RowFactory.create(id(in), in.getAs("prompt"), r.text(), promptTokens, SparkValues.boxed(r.tokens()),
                    SparkValues.boxed(r.logprobs()), r.finishReason().label(), null, alternatives,
                    ParsedColumn.parse(r.text(), parsedType));
        }

        @Override
        public Row failed(Row in, InvalidRequestException e) {
            return errorRow(in, e);
        }
    }

    private GenerationRequest request(Engine engine, Row in) {
        String prompt = in.getAs("prompt");
        if (prompt == null || prompt.isEmpty()) {
            throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
        }
        SamplingParams sampling = new SamplingParams(
                floatOr(in, "temperature", settings.temperature()), settings.topK(), settings.topP(), longOr(in, "seed", settings.seed()));
        int maxTokens = (int) longOr(in, "max_tokens", settings.maxTokens());
        int topLogprobs = (int) longOr(in, "top_logprobs", settings.output().topLogprobs());
        return new GenerationRequest(engine.tokenizer().encode(prompt, true), maxTokens, sampling).withOutput(topLogprobs, constraint(in));
    }

    /** A row's own {@code json_schema} or {@code choices} replaces the job's constraint. */
    private OutputConstraint constraint(Row in) {
        int schema = fieldIndex(in, "json_schema");
        int choices = fieldIndex(in, "choices");
        String rowSchema = schema < 0 || in.isNullAt(schema) ? null : in.getString(schema);
        List<String> rowChoices = choices < 0 || in.isNullAt(choices) ? null : in.getList(choices);
        if (rowSchema == null && rowChoices == null) {
            return settings.output().constraint();
        }
        return OutputOptions.constraint(rowSchema, rowChoices);
    }

    private Row errorRow(Row in, InvalidRequestException e) {
        progress.add(1, 0, 0, 1);
        if (parsedType == null) {
            return RowFactory.create(id(in), in.getAs("prompt"), null, null, null, null, null, e.getMessage(), null);
        }
        return RowFactory.create(id(in), in.getAs("prompt"), null, null, null, null, null, e.getMessage(), null, null);
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
