package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ScoreSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Per-token logprobs and perplexity of a text table (columns {@code id}, {@code text}, any others kept), written as Parquet. */
public final class ScoreJob {
    static final Set<String> SETTINGS = GenerateJob.union(GenerateJob.union(CommonSettings.KEYS, Set.of("stride", "token_cache", "top_logprobs")),
            PackingKeys.KEYS);

    private ScoreJob() {
    }

    /** The job's inputs, checked before any Spark session exists. */
    /** @param tokenCache the {@code token_cache} directory, or null (off) */
    public record Config(String input, String output, String model, String tokenizer, CommonSettings common, ScoreSettings scoring,
                         String tokenCache) {
        public static Config from(JobArguments args) {
            Settings s = new Settings("score", args.settings(), SETTINGS);
            CommonSettings common = CommonSettings.from(s);
            String tokenCache = s.string("token_cache", null);
            if (tokenCache != null) {
                TokenCacheSetup.localDirectory(tokenCache); // a remote URI fails here, before Spark starts
            }
            return new Config(args.require("input"), args.require("output"), args.require("model"), args.option("tokenizer"), common,
                    new ScoreSettings(common.threads(), s.integer("stride", 0, 0), PackingKeys.batchSize(s), PackingKeys.from(s),
                            s.integer("top_logprobs", 0, 0, GenerationRequest.MAX_TOP_LOGPROBS)), tokenCache);
        }

        JobSpec spec() {
            Map<String, Object> recorded = RecordedSettings.of(scoring, common);
            recorded.put("token_cache", tokenCache == null ? "off" : tokenCache);
            return new JobSpec("score", input, output, common, model, tokenizer, "text", List.of("text"), List.of(), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "text", DataTypes.StringType);
            }, engine -> { }, LlamaTask.SCORE, RecordedSettings.options(scoring), recorded, tokenCache);
        }
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
