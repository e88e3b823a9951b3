package io.sparkllama.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's {@code llama-bench} and {@code llama-perplexity}, built by the user outside the repo
 * and named by env {@code REF_LLAMA_BENCH} and {@code REF_LLAMA_PPL}; either may be absent.
 */
final class LlamaCppReference {
    static final String BENCH_ABSENT = "absent: set REF_LLAMA_BENCH to a llama-bench binary to compare";
    static final String PPL_ABSENT = "absent: set REF_LLAMA_PPL to a llama-perplexity binary to compare";
    private static final Pattern FINAL_PPL = Pattern.compile("Final estimate: PPL = ([0-9.]+) \\+/- ([0-9.]+)");
    private static final Pattern CHUNKS = Pattern.compile("calculating perplexity over ([0-9]+) chunks");
    private static final Pattern PROMPT_EVAL = Pattern.compile("prompt eval time =\\s*([0-9.]+) ms /\\s*([0-9]+) tokens");
    /** A reference run that takes longer than this is stuck, not slow. */
    private static final long TIMEOUT_MINUTES = 10;

    /** llama-bench's means over its repetitions (after its own warm-up run), tok/s. */
    record Speed(double ppTokPerSec, double ppStddev, double tgTokPerSec, double tgStddev) {
    }

    /**
     * One llama-perplexity run.
     *
     * @param wallSeconds       the whole process, model load included
     * @param evalTokPerSec     its own "prompt eval" rate: tokens run (scored or not) per second of evaluation
     */
    record Perplexity(double ppl, double stderr, int chunks, int scoredTokens, double wallSeconds, double evalTokPerSec) {
        double scoredTokPerSec() {
            return scoredTokens / wallSeconds;
        }
    }

    private final Path bench;
    private final Path perplexity;

    private LlamaCppReference(Path bench, Path perplexity) {
        this.bench = bench;
        this.perplexity = perplexity;
    }

    static LlamaCppReference fromEnv() {
        return new LlamaCppReference(executable("REF_LLAMA_BENCH"), executable("REF_LLAMA_PPL"));
    }

    /** The binary named by env {@code name}, or null when unset or not executable. */
    private static Path executable(String name) {
        String p = System.getenv(name);
        return p == null || p.isBlank() || !Files.isExecutable(Path.of(p)) ? null : Path.of(p);
    }

    boolean hasBench() {
        return bench != null;
    }

    boolean hasPerplexity() {
        return perplexity != null;
    }

    /** For the JSON: the binaries, or how to get them compared. */
    String describeBench() {
        return bench == null ? BENCH_ABSENT : bench.toString();
    }

    String describePerplexity() {
        return perplexity == null ? PPL_ABSENT : perplexity.toString();
    }

    /** {@code llama-bench -m model -t threads -p prompt -n gen -r reps -o json}: pp and tg tok/s. */
    Speed speed(Path model, int threads, int prompt, int gen, int reps) throws IOException, InterruptedException {
        String out = run(List.of(bench.toString(), "-m", model.toString(), "-t", Integer.toString(threads),
                "-p", Integer.toString(prompt), "-n", Integer.toString(gen), "-r", Integer.toString(reps), "-o", "json"), false);
        double pp = 0, ppSd = 0, tg = 0, tgSd = 0;
        for (JsonNode r : new ObjectMapper().readTree(out)) {
            if (r.path("n_prompt").asInt() > 0 && r.path("n_gen").asInt() == 0) {
                pp = r.path("avg_ts").asDouble();
                ppSd = r.path("stddev_ts").asDouble();
            } else if (r.path("n_gen").asInt() > 0 && r.path("n_prompt").asInt() == 0) {
                tg = r.path("avg_ts").asDouble();
                tgSd = r.path("stddev_ts").asDouble();
            }
        }
        return new Speed(pp, ppSd, tg, tgSd);
    }

    /** One {@code llama-bench -p 0 -n gen -r 1} run (after its own warm-up run): tg tok/s. */
    double tgTokPerSec(Path model, int threads, int gen) throws IOException, InterruptedException {
        return speed(model, threads, 0, gen, 1).tgTokPerSec();
    }

    /** {@code llama-perplexity -m model -f text -c ctx -t threads}, timed from start to exit. */
    Perplexity perplexity(Path model, Path text, int ctx, int threads) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        String out = run(List.of(perplexity.toString(), "-m", model.toString(), "-f", text.toString(),
                "-c", Integer.toString(ctx), "-t", Integer.toString(threads)), true);
        double wall = (System.nanoTime() - t0) / 1e9;
        Matcher ppl = find(FINAL_PPL, out, "Final estimate");
        int chunks = Integer.parseInt(find(CHUNKS, out, "chunk count").group(1));
        Matcher eval = find(PROMPT_EVAL, out, "prompt eval time");
        double evalRate = Integer.parseInt(eval.group(2)) * 1000.0 / Double.parseDouble(eval.group(1));
        // Each chunk scores positions ctx/2 .. ctx-2 (the same rule as our LlamaCppPerplexity).
        int scored = chunks * (ctx - 1 - ctx / 2);
        return new Perplexity(Double.parseDouble(ppl.group(1)), Double.parseDouble(ppl.group(2)), chunks, scored, wall, evalRate);
    }

    private static Matcher find(Pattern p, String out, String what) throws IOException {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IOException("llama-perplexity printed no " + what + "; its output ends:\n" + tail(out));
        }
        return m;
    }

    /** Runs {@code cmd} to its end; stdout, with stderr too when {@code withStderr} (else discarded). */
    private static String run(List<String> cmd, boolean withStderr) throws IOException, InterruptedException {
        // Output goes to a file, not a pipe, so that the timeout below holds even if the child hangs.
        Path out = Files.createTempFile("spark-llama-ref-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectOutput(out.toFile());
            if (withStderr) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(cmd.getFirst() + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
            String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8); // lenient: it may print partial UTF-8
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + tail(text));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
