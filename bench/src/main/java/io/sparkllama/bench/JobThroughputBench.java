package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.jobs.GenerateJob;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.JobSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;

/**
 * Generate-job throughput on local[2] against the bare engine on the same rows with the same
 * threads (two sessions of one thread each), both after a warm-up run; prints and writes JSON.
 *
 * <p>Usage: {@code JobThroughputBench MODEL ROWS MAX_TOKENS OUT.json [TOKENIZER]}
 */
public final class JobThroughputBench {
    private JobThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        Path result = Path.of(args[3]);
        Path tokenizer = args.length > 4 ? Path.of(args[4]) : null;
        Path work = Files.createTempDirectory("spark-llama-bench");
        List<String> prompts = prompts(rows);
        Path input = work.resolve("prompts.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            lines.add(new ObjectMapper().writeValueAsString(Map.of("id", i, "prompt", prompts.get(i))));
        }
        Files.write(input, lines);

        double engineTokS = 0;
        long engineTokens = 0;
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            for (int run = 0; run < 2; run++) { // the first run warms the JIT
                long t0 = System.nanoTime();
                engineTokens = engineRun(engine, prompts, maxTokens);
                engineTokS = engineTokens / ((System.nanoTime() - t0) / 1e9);
            }
        }

        SparkSession spark = SparkSession.builder().master("local[2]").appName("spark-llama-bench")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        JobSummary job = null;
        try {
            for (int run = 0; run < 2; run++) {
                String[] a = {"generate", "--input", input.toString(), "--output", work.resolve("out-" + run).toString(),
                    "--model", model.toString(), "--set", "max_tokens=" + maxTokens, "--set", "partitions=2", "--set", "threads=1"};
                if (tokenizer != null) {
                    a = java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.stream.Stream.of("--tokenizer", tokenizer.toString()))
                            .toArray(String[]::new);
                }
                JobArguments parsed = JobArguments.parse("generate", a, 1, Set.of("input", "output", "model", "tokenizer"), Set.of());
                job = GenerateJob.run(spark, parsed, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            }
        } finally {
            spark.stop();
        }
        Map<String, Object> out = BenchRecord.start("generate job on local[2] vs bare engine, 2 x 1 thread", model, rows);
        out.put("max_tokens", maxTokens);
        out.put("engine_generated_tokens", engineTokens);
        out.put("engine_tok_per_s", engineTokS);
        out.put("job_generated_tokens", job.outputTokens());
        out.put("job_seconds", job.seconds());
        out.put("job_tok_per_s", job.outputTokensPerSecond());
        out.put("job_vs_engine", job.outputTokensPerSecond() / engineTokS);
        out.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        System.out.println(json);
        Files.createDirectories(result.toAbsolutePath().getParent());
        Files.writeString(result, json + "\n");
    }

    // Two threads, each with its own one-thread session, rows dealt round-robin: what local[2] runs.
    private static long engineRun(Engine engine, List<String> prompts, int maxTokens) throws InterruptedException {
        AtomicLong tokens = new AtomicLong();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            int first = t;
            threads[t] = new Thread(() -> {
                try (InferenceSession s = engine.newSession(1)) {
                    for (int i = first; i < prompts.size(); i += threads.length) {
                        int[] p = engine.tokenizer().encode(prompts.get(i), true);
                        tokens.addAndGet(s.generate(new GenerationRequest(p, maxTokens, new SamplingParams(0f, 0, 1f, 42))).tokens().length);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return tokens.get();
    }

    private static List<String> prompts(int n) throws IOException {
        List<String> openings = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("datasets/samples/story-openings.jsonl"))) {
            openings.add(new ObjectMapper().readTree(line).get("prompt").asText());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(openings.get(i % openings.size()));
        }
        return out;
    }
}
