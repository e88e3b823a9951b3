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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The generate job on local[2] over two tables of about the same generated tokens: ROWS rows of
 * which 80% ask for 8 new tokens and 20% for 200 (mixed), and ROWS rows of 46 each (uniform). Runs
 * them interleaved (one warm-up pair, then ROUNDS pairs) in one JVM and reports the mixed table's
 * tok/s over the uniform one's: how well rows that finish early hand their slots to waiting rows.
 * The load average is recorded beside each run (the machine may be shared). Then, load-free, the
 * schedule alone: one partition's rows (ROWS / 2, batch 32) streamed through one running batch as
 * the job does, and in micro-batches of 32 rows as before, counting forward steps per table.
 *
 * <p>Usage: {@code GenerateMixBench MODEL TOKENIZER ROWS ROUNDS OUT.json [key=value job settings...]}
 */
public final class GenerateMixBench {
    private GenerateMixBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        String tokenizer = args[1];
        int rows = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path result = Path.of(args[4]);
        List<String> settings = List.of(args).subList(5, args.length);
        Path work = Files.createTempDirectory("spark-llama-bench-mix");
        List<String> prompts = prompts(rows);
        Path mixed = table(work.resolve("mixed.jsonl"), prompts, i -> i % 5 == 2 ? 200 : 8);
        Path uniform = table(work.resolve("uniform.jsonl"), prompts, i -> 46);

        List<Map<String, Object>> runs = new ArrayList<>();
        double mixedTokS = 0;
        double uniformTokS = 0;
        // ROUNDS 0: the load-free schedule figures only.
        SparkSession spark = rounds == 0 ? null : SparkSession.builder().master("local[2]").appName("spark-llama-bench-mix")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            for (int round = 0; round <= rounds && spark != null; round++) { // round 0 warms the JIT and the model cache
                for (String name : new String[] {"uniform", "mixed"}) {
                    Path input = name.equals("mixed") ? mixed : uniform;
                    double loadBefore = load();
                    JobSummary s = run(spark, input, work.resolve("out-" + name + "-" + round), model, tokenizer, settings);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("round", round);
                    r.put("table", name);
                    r.put("rows", s.rows());
                    r.put("generated_tokens", s.outputTokens());
                    r.put("seconds", s.seconds());
                    r.put("tok_per_s", s.outputTokensPerSecond());
                    r.put("load_average_before", loadBefore);
                    r.put("load_average_after", load());
                    runs.add(r);
                    System.err.println(r);
                    if (round > 0) {
                        if (name.equals("mixed")) {
                            mixedTokS += s.outputTokensPerSecond() / rounds;
                        } else {
                            uniformTokS += s.outputTokensPerSecond() / rounds;
                        }
                    }
                }
            }
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        Map<String, Object> schedule = new LinkedHashMap<>();
        try (Engine engine = Engine.open(model, Path.of(tokenizer), 0); InferenceSession session = engine.newSession(1)) {
            for (String name : new String[] {"uniform", "mixed"}) {
                List<GenerationRequest> requests = new ArrayList<>();
                for (int i = 0; i < rows / 2; i++) {
                    int maxTokens = name.equals("mixed") ? (i % 5 == 2 ? 200 : 8) : 46;
                    requests.add(new GenerationRequest(engine.tokenizer().encode(prompts.get(i), true), maxTokens, SamplingParams.GREEDY));
                }
                schedule.put(name + "_streamed", StepCount.streamed(session.batchGenerator(32), requests));
                schedule.put(name + "_micro_batches", StepCount.microBatches(session.batchGenerator(32), requests));
            }
        }
        Map<String, Object> out = BenchRecord.start(
                "generate job on local[2]: 80% max_tokens 8 + 20% max_tokens 200 vs all max_tokens 46, interleaved", model, rows);
        out.put("rounds", rounds);
        out.put("settings", settings);
        out.put("mixed_tok_per_s", mixedTokS);
        out.put("uniform_tok_per_s", uniformTokS);
        out.put("mixed_vs_uniform", mixedTokS / uniformTokS);
        out.put("runs", runs);
        out.put("schedule_one_partition_batch_32", schedule);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        System.out.println(json);
        Files.createDirectories(result.toAbsolutePath().getParent());
        Files.writeString(result, json + "\n");
    }

    private static JobSummary run(SparkSession spark, Path input, Path output, Path model, String tokenizer, List<String> settings) {
        List<String> a = new ArrayList<>(List.of("generate", "--input", input.toString(), "--output", output.toString(),
                "--model", model.toString(), "--tokenizer", tokenizer, "--set", "partitions=2", "--set", "threads=1"));
        for (String s : settings) {
            a.add("--set");
            a.add(s);
        }
        JobArguments parsed = JobArguments.parse("generate", a.toArray(String[]::new), 1,
                Set.of("input", "output", "model", "tokenizer"), Set.of());
        return GenerateJob.run(spark, parsed, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static Path table(Path file, List<String> prompts, java.util.function.IntUnaryOperator maxTokens) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("prompt", prompts.get(i));
            row.put("max_tokens", maxTokens.applyAsInt(i));
            lines.add(json.writeValueAsString(row));
        }
        return Files.write(file, lines);
    }

    private static List<String> prompts(int n) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> openings = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("datasets/samples/story-openings.jsonl"))) {
            openings.add(json.readTree(line).get("prompt").asText());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(openings.get(i % openings.size()));
        }
        return out;
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
