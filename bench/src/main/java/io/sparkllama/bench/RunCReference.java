package io.sparkllama.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** llama2.c's run.c, built by the user outside the repo and named by env {@code REF_RUNC}. */
final class RunCReference {
    private static final Pattern RATE = Pattern.compile("achieved tok/s: ([0-9.]+)");

    private final Path binary;

    private RunCReference(Path binary) {
        this.binary = binary;
    }

    /** The reference from {@code REF_RUNC}, or null when unset or not executable. */
    static RunCReference fromEnv() {
        String p = System.getenv("REF_RUNC");
        if (p == null || p.isBlank() || !Files.isExecutable(Path.of(p))) {
            return null;
        }
        return new RunCReference(Path.of(p));
    }

    Path binary() {
        return binary;
    }

    /** Decode tok/s of one greedy generation from BOS ({@code steps} positions), OMP_NUM_THREADS = threads; 0 when it printed none. */
    double decodeTokPerSec(Path model, Path tokenizer, int threads, int steps) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(), model.toString(), "-z", tokenizer.toString(),
                "-t", "0", "-n", Integer.toString(steps), "-i", ""));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = RATE.matcher(out);
        if (!m.find()) {
            return 0; // it prints no rate when it stops at once (a stop token first)
        }
        return Double.parseDouble(m.group(1));
    }
}
