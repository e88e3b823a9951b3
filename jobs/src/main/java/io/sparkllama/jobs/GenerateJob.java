package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.datasets.TableReader;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.GenerateOutput;
import io.sparkllama.udfs.GenerateRows;
import io.sparkllama.udfs.GenerateSettings;
import io.sparkllama.udfs.ModelHandle;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Completions for a prompt table: read the table, check the model on the driver, broadcast its
 * handle, generate inside {@code mapPartitions}, write Parquet, print a summary.
 */
public final class GenerateJob {
    static final Set<String> SETTINGS = Set.of("max_tokens", "temperature", "top_k", "top_p", "seed", "threads",
            "context", "partitions", "input_format", "mode");

    private GenerateJob() {
    }

    /** What a run produced, for the summary and for tests. */
    public record Summary(String output, long rows, long errors, long promptTokens, long generatedTokens, double seconds) {
    }

    /** The job's inputs, checked before any Spark session exists. */
    public record Config(String input, String output, String inputFormat, String mode, int partitions,
                         ModelHandle model, GenerateSettings generation) {
        public static Config from(JobArguments args) {
            Settings s = new Settings("generate", args.settings(), SETTINGS);
            GenerateSettings gen = new GenerateSettings(
                    s.integer("max_tokens", 128, 0), s.number("temperature", 0f), s.integer("top_k", 0, 0),
                    s.number("top_p", 1f), s.longValue("seed", 42L), s.integer("threads", 1, 1));
            try {
                new SamplingParams(gen.temperature(), gen.topK(), gen.topP(), gen.seed());
            } catch (InvalidRequestException e) {
                throw new JobConfigException("generate: " + e.getMessage());
            }
            String mode = s.string("mode", "errorifexists");
            if (!Set.of("errorifexists", "overwrite").contains(mode)) {
                throw new JobConfigException("generate: setting mode must be errorifexists or overwrite, got '" + mode + "'");
            }
            return new Config(args.require("input"), args.require("output"), s.string("input_format", "auto"), mode,
                    s.integer("partitions", 0, 0),
                    new ModelHandle(args.require("model"), args.option("tokenizer"), s.integer("context", 0, 0)), gen);
        }
    }

    public static Summary run(SparkSession spark, JobArguments args, PrintStream out) {
        return run(spark, Config.from(args), out);
    }

    public static Summary run(SparkSession spark, Config c, PrintStream out) {
        String input = c.input();
        String output = c.output();
        ModelHandle handle = c.model();
        GenerateSettings gen = c.generation();

        // Fail fast on a bad model: load it here, before any Spark job (even the input's schema
        // inference) starts; in local mode the executor then reuses this very mapping.
        Engine engine = ExecutorModels.engine(handle);
        out.printf(Locale.ROOT, "[spark-llama] model %s: %s, dim %d, %d layers, vocab %d, context %d%n", handle.model(),
                engine.description(), engine.config().dim(), engine.config().nLayers(), engine.config().vocabSize(), engine.contextLength());

        Dataset<Row> prompts = TableReader.read(spark, input, c.inputFormat());
        StructType schema = prompts.schema();
        RequiredColumns.require(input, schema, "id");
        RequiredColumns.require(input, schema, "prompt", DataTypes.StringType);
        RequiredColumns.optional(input, schema, "max_tokens", DataTypes.LongType, DataTypes.IntegerType);
        RequiredColumns.optional(input, schema, "seed", DataTypes.LongType, DataTypes.IntegerType);
        RequiredColumns.optional(input, schema, "temperature", DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.IntegerType);


        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ModelHandle> model = jsc.broadcast(handle);
        GenerateRows.GenerateProgress progress = new GenerateRows.GenerateProgress(
                jsc.sc().longAccumulator("rows"), jsc.sc().longAccumulator("prompt tokens"),
                jsc.sc().longAccumulator("generated tokens"), jsc.sc().longAccumulator("error rows"));
        int partitions = c.partitions();
        if (partitions > 0) {
            prompts = prompts.repartition(partitions);
        }
        StructType outSchema = GenerateOutput.schema(schema.apply("id").dataType());
        Dataset<Row> results = prompts.mapPartitions(new GenerateRows(model, gen, progress), Encoders.row(outSchema));

        long t0 = System.nanoTime();
        jsc.setJobDescription("spark-llama generate: " + input + " -> " + output);
        results.write().mode(c.mode()).parquet(output);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Summary summary = new Summary(output, progress.rows().value(), progress.errors().value(),
                progress.promptTokens().value(), progress.generatedTokens().value(), seconds);
        out.printf(Locale.ROOT, "[spark-llama] wrote %d rows (%d with errors) to %s in %.1f s: %d prompt tokens, %d generated (%.1f tok/s)%n",
                summary.rows(), summary.errors(), output, seconds, summary.promptTokens(), summary.generatedTokens(),
                summary.generatedTokens() / Math.max(seconds, 1e-9));
        return summary;
    }
}
