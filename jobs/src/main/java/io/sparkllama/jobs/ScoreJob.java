package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.sampling.TopLogprobs;
import io.sparkllama.udfs.ScoreOutput;
import io.sparkllama.udfs.ScoreRows;
import io.sparkllama.udfs.ScoreSettings;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Per-token logprobs and perplexity of a text table (columns {@code id}, {@code text}), written as Parquet. */
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
                            s.integer("top_logprobs", 0, 0, TopLogprobs.MAX_K)), tokenCache);
        }

        JobSpec spec() {
            Map<String, Object> recorded = new LinkedHashMap<>();
            recorded.put("stride", scoring.stride() == 0 ? "half the context" : scoring.stride());
            recorded.put("threads", common.threads());
            recorded.put("batch_size", scoring.batchSize());
            PackingKeys.record(recorded, scoring.packing());
            recorded.put("group_by_prefix", common.groupByPrefix());
            recorded.put("context", common.context());
            recorded.put("balance_by_length", common.balanceByLength());
            recorded.put("token_cache", tokenCache == null ? "off" : tokenCache);
            recorded.put("top_logprobs", scoring.topLogprobs());
            ScoreSettings sc = scoring;
            return new JobSpec("score", input, output, common, model, tokenizer, "text", List.of("text"), List.of(), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "text", DataTypes.StringType);
            }, ScoreOutput::schema, (model, progress, cache) -> new ScoreRows(model, sc, progress, cache), recorded,
                    tokenCache);
        }
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
