package io.sparkllama.tests;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.udfs.DataFrameInference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tok/s of the generate and score work through the job, the DataFrame API and SQL on the same rows
 * (each writes Parquet; rounds interleaved, the best of each kept). A measurement, not a check:
 * runs only with {@code -Dspark.llama.throughput=true}; prints one JSON line per workload. The
 * workload: {@code -Dspark.llama.throughput.model} (default stories260K), {@code .rows} (64),
 * {@code .max_tokens} (64), {@code .rounds} (3).
 */
class SurfaceThroughputTest {
    @TempDir
    Path tmp;

    @Test
    void tokensPerSecondPerSurface() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("spark.llama.throughput"), "a measurement: run with -Dspark.llama.throughput=true");
        String model = TestSpark.requireShared(System.getProperty("spark.llama.throughput.model", "models/stories260K")).toString();
        int rows = Integer.getInteger("spark.llama.throughput.rows", 64);
        String maxTokens = Integer.toString(Integer.getInteger("spark.llama.throughput.max_tokens", 64));
        SparkSession spark = TestSpark.session();
        spark.conf().set("spark.llama.model", model);
        int rounds = Integer.getInteger("spark.llama.throughput.rounds", 3);

        Path prompts = tmp.resolve("prompts.jsonl");
        Path texts = tmp.resolve("texts.jsonl");
        List<String> p = new ArrayList<>();
        List<String> t = new ArrayList<>();
        List<String> openings = Files.readAllLines(TestSpark.repo().resolve("datasets/samples/story-openings.jsonl"));
        List<String> stories = Files.readAllLines(TestSpark.repo().resolve("datasets/samples/story-texts.jsonl"));
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < rows; i++) {
            String opening = json.readTree(openings.get(i % openings.size())).get("prompt").asText();
            p.add(json.writeValueAsString(Map.of("id", i, "prompt", opening)));
            String story = json.readTree(stories.get(i % stories.size())).get("text").asText();
            t.add(json.writeValueAsString(Map.of("id", i, "text", story + " " + i)));
        }
        Files.write(prompts, p);
        Files.write(texts, t);

        Map<String, Double> gen = new LinkedHashMap<>();
        Map<String, Double> score = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            JobSummary js = JobRunner.run("generate", prompts.toString(), tmp.resolve("gj" + r).toString(), model, "max_tokens=" + maxTokens, "partitions=2");
            best(gen, "job", (js.inputTokens() + js.outputTokens()) / js.seconds());
            // Read in the timed write, as the job reads its input in its own.
            Dataset<Row> in = spark.read().json(prompts.toString()).repartition(2);
            best(gen, "dataframe", timed(DataFrameInference.generate(in, model, Map.of("max_tokens", maxTokens)), tmp.resolve("gd" + r),
                    "prompt_tokens + size(token_ids)"));
            in.createOrReplaceTempView("prompts");
            best(gen, "sql", timed(spark.sql("SELECT *, llama_generate(prompt, map('max_tokens', '" + maxTokens + "')) AS g FROM prompts"),
                    tmp.resolve("gs" + r), "g.prompt_tokens + size(g.token_ids)"));

            JobSummary ss = JobRunner.run("score", texts.toString(), tmp.resolve("sj" + r).toString(), model, "partitions=2");
            best(score, "job", (ss.inputTokens() + ss.outputTokens()) / ss.seconds());
            Dataset<Row> tin = spark.read().json(texts.toString()).repartition(2);
            best(score, "dataframe", timed(DataFrameInference.score(tin, model, Map.of()), tmp.resolve("sd" + r),
                    "size(token_ids) + n_scored"));
            tin.createOrReplaceTempView("texts");
            best(score, "sql", timed(spark.sql("SELECT *, llama_score(text) AS s FROM texts"), tmp.resolve("ss" + r),
                    "size(s.token_ids) + s.n_scored"));
        }
        String line = String.format(Locale.ROOT,
                "{\"model\": \"%s\", \"rows\": %d, \"max_tokens\": %s, \"generate_tok_per_s\": %s, \"score_tok_per_s\": %s, \"rounds\": %d, \"cores\": %d}",
                Path.of(model).getFileName(), rows, maxTokens, json(gen), json(score), rounds, Runtime.getRuntime().availableProcessors());
        System.out.println("[surface-throughput] " + line);
        Files.writeString(TestSpark.repo().resolve("tests/target/surface-throughput.json"), line + "\n");
        assertEquals(3, gen.size());
    }

    /** Writes the result as Parquet (as the jobs do) and returns tokens (counted as the jobs count them) per second of the write. */
    private static double timed(Dataset<Row> result, Path out, String tokens) {
        long t0 = System.nanoTime();
        result.write().parquet(out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long n = result.sparkSession().read().parquet(out.toString()).select(expr("sum(" + tokens + ")")).first().getLong(0);
        return n / seconds;
    }

    private static void best(Map<String, Double> m, String key, double v) {
        m.merge(key, v, Math::max);
    }

    private static String json(Map<String, Double> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "\"%s\": %.1f", k, v)));
        return b.append("}").toString();
    }
}
