package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.tokenizer.Tokenizer;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.ScoreJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;

/**
 * Score-job throughput on local[2] (2 partitions, 1 engine thread each) for many short rows
 * against fewer long rows of about the same tokens, and each against the bare engine on the same
 * pre-tokenized rows with the same threads (two one-thread sessions): packed steps, and one row
 * at a time as before packing. Every measurement is repeated in interleaved rounds after a warm-up
 * round (the machine is shared), with the load average recorded per round. Also times the parts
 * of the job that are not the engine: tokenizing the rows and Spark's count pass over the input.
 *
 * <p>Usage: {@code ScoreThroughputBench MODEL TOKENIZER TEXT OUT.json [ROUNDS] [SHORT_ROWS SHORT_TOKENS LONG_ROWS LONG_TOKENS] [STEP_TOKENS]}
 */
public final class ScoreThroughputBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScoreThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tokenizerPath = Path.of(args[1]);
        String text = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
        Path result = Path.of(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int shortRows = args.length > 8 ? Integer.parseInt(args[5]) : 1500;
        int shortTokens = args.length > 8 ? Integer.parseInt(args[6]) : 35;
        int longRows = args.length > 8 ? Integer.parseInt(args[7]) : 240;
        int longTokens = args.length > 8 ? Integer.parseInt(args[8]) : 230;
        int step = args.length > 9 ? Integer.parseInt(args[9]) : PackedScorer.DEFAULT_STEP_TOKENS;
        Path work = Files.createTempDirectory("spark-llama-score-bench");

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "score job on local[2] (2 partitions x 1 thread) vs bare engine (2 sessions x 1 thread), short vs long rows");
        out.put("created", Instant.now().toString());
        out.put("machine", MachineInfo.describe());
        out.put("model", model.toString());
        out.put("step_tokens", step);
        try (Engine engine = Engine.open(model, tokenizerPath, 0)) {
            Tokenizer tok = engine.tokenizer();
            List<String> shortTexts = rows(text, tok, shortRows, shortTokens, 7);
            List<String> longTexts = rows(text, tok, longRows, longTokens, 53);
            Path shortInput = write(work.resolve("short.jsonl"), shortTexts);
            Path longInput = write(work.resolve("long.jsonl"), longTexts);
            List<int[]> shortIds = encode(tok, shortTexts);
            List<int[]> longIds = encode(tok, longTexts);
            out.put("short_rows", shortRows);
            out.put("short_tokens", total(shortIds));
            out.put("long_rows", longRows);
            out.put("long_tokens", total(longIds));

            SparkSession spark = SparkSession.builder().master("local[2]").appName("spark-llama-score-bench")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").getOrCreate();
            List<Map<String, Object>> measured = new ArrayList<>();
            try {
                for (int round = 0; round <= rounds; round++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("round", round == 0 ? "warm-up" : String.valueOf(round));
                    r.put("load_average", MachineInfo.loadAverage());
                    r.put("job_short_tok_s", job(spark, shortInput, model, tokenizerPath, work.resolve("s" + round), step));
                    r.put("job_long_tok_s", job(spark, longInput, model, tokenizerPath, work.resolve("l" + round), step));
                    r.put("engine_packed_short_tok_s", engine(engine, shortIds, step));
                    r.put("engine_packed_long_tok_s", engine(engine, longIds, step));
                    r.put("engine_alone_short_tok_s", engine(engine, shortIds, 0));
                    r.put("engine_alone_long_tok_s", engine(engine, longIds, 0));
                    r.put("tokenize_short_s", tokenizeSeconds(tok, shortTexts));
                    r.put("count_pass_short_s", countSeconds(spark, shortInput));
                    r.put("load_average_after", MachineInfo.loadAverage());
                    System.out.println(JSON.writeValueAsString(r));
                    if (round > 0) {
                        measured.add(r);
                    }
                }
            } finally {
                spark.stop();
            }
            out.put("rounds", measured);
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("job_short_vs_job_long", median(measured, "job_short_tok_s") / median(measured, "job_long_tok_s"));
            ratios.put("job_short_vs_engine_packed_short", median(measured, "job_short_tok_s") / median(measured, "engine_packed_short_tok_s"));
            ratios.put("job_long_vs_engine_packed_long", median(measured, "job_long_tok_s") / median(measured, "engine_packed_long_tok_s"));
            ratios.put("engine_packed_vs_alone_short", median(measured, "engine_packed_short_tok_s") / median(measured, "engine_alone_short_tok_s"));
            ratios.put("engine_packed_vs_alone_long", median(measured, "engine_packed_long_tok_s") / median(measured, "engine_alone_long_tok_s"));
            ratios.put("job_short_vs_engine_alone_short", median(measured, "job_short_tok_s") / median(measured, "engine_alone_short_tok_s"));
            out.put("median_ratios", ratios);
        }
        String json = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        System.out.println(json);
        Files.createDirectories(result.toAbsolutePath().getParent());
        Files.writeString(result, json + "\n");
    }

    /** Rows of about {@code tokens} tokens (BOS included): runs of words from the text, each starting at another word. */
    static List<String> rows(String text, Tokenizer tok, int n, int tokens, int hop) {
        String[] words = text.replace('\n', ' ').trim().split("\\s+");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int start = (int) ((long) i * hop % (words.length - 4 * tokens));
            StringBuilder sb = new StringBuilder(words[start]);
            int w = start + 1;
            while (tok.encode(sb.toString(), true).length < tokens) {
                sb.append(' ').append(words[w++]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static Path write(Path file, List<String> texts) throws Exception {
        List<String> lines = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", i, "text", texts.get(i))));
        }
        return Files.write(file, lines);
    }

    static List<int[]> encode(Tokenizer tok, List<String> texts) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            ids.add(tok.encode(t, true));
        }
        return ids;
    }

    private static long total(List<int[]> ids) {
        long n = 0;
        for (int[] t : ids) {
            n += t.length;
        }
        return n;
    }

    /** The score job's input tokens per second of its run (the count pass and the Parquet write included). */
    private static double job(SparkSession spark, Path input, Path model, Path tokenizer, Path output, int step) throws Exception {
        String[] a = {"score", "--input", input.toString(), "--output", output.toString(), "--model", model.toString(),
            "--tokenizer", tokenizer.toString(), "--set", "partitions=2", "--set", "threads=1", "--set", "step_tokens=" + step};
        JobArguments parsed = JobArguments.parse("score", a, 1, Set.of("input", "output", "model", "tokenizer"), Set.of());
        JobSummary s = ScoreJob.run(spark, ScoreJob.Config.from(parsed), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return s.inputTokens() / s.seconds();
    }

    /** Tokens per second of two threads with a one-thread session each, rows dealt round-robin; {@code step} 0: one row at a time. */
    static double engine(Engine engine, List<int[]> rows, int step) throws InterruptedException {
        AtomicLong tokens = new AtomicLong();
        Thread[] threads = new Thread[2];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads.length; t++) {
            int first = t;
            threads[t] = new Thread(() -> {
                try (InferenceSession s = engine.newSession(1)) {
                    List<ScoringRequest> mine = new ArrayList<>();
                    for (int i = first; i < rows.size(); i += threads.length) {
                        mine.add(ScoringRequest.all(rows.get(i)));
                        tokens.addAndGet(rows.get(i).length);
                    }
                    if (step > 0) {
                        // In micro-batches of 256 rows, as the job hands them over.
                        PackedScorer p = s.packedScorer(step, true);
                        for (int i = 0; i < mine.size(); i += 256) {
                            p.scoreAll(mine.subList(i, Math.min(mine.size(), i + 256)));
                        }
                    } else {
                        for (ScoringRequest r : mine) {
                            s.score(r.tokens());
                        }
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return tokens.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double tokenizeSeconds(Tokenizer tok, List<String> texts) {
        long t0 = System.nanoTime();
        encode(tok, texts);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double countSeconds(SparkSession spark, Path input) {
        long t0 = System.nanoTime();
        spark.read().json(input.toString()).count();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Map<String, Object>> rounds, String key) {
        double[] v = rounds.stream().mapToDouble(r -> (Double) r.get(key)).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
