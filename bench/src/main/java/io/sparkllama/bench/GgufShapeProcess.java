package io.sparkllama.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One GGUF file's cells in a JVM of its own, as an executor serving one model runs them: in a
 * shared JVM, a file decoded after one of another weight type ran up to 1.45x slower (the JIT's
 * state from the first; 1B Q8_0 on one thread, 13 against 16-19 tok/s). The child prints its
 * cells as one JSON line; its progress goes to our stderr.
 */
final class GgufShapeProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufShapeProcess() {
    }

    /** Runs {@link GgufShapeRuns#run} for {@code f} in a child JVM with this JVM's flags and class path. */
    static Map<String, Object> run(GgufShapeRuns.ShapeFile f, int[] threads, Map<String, Object> limits)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GgufShapeProcess.class.getName());
        cmd.add(f.name());
        cmd.add(f.file().toString());
        cmd.add(Arrays.stream(threads).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        cmd.add(JSON.writeValueAsString(limits));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int rc = p.waitFor();
        if (rc != 0 || out.isEmpty()) {
            throw new IllegalStateException("the cells of " + f.file() + " failed in their JVM (exit " + rc + ")");
        }
        return JSON.readValue(out.substring(out.lastIndexOf('\n') + 1), new TypeReference<Map<String, Object>>() { });
    }

    /** Arguments: name, file, threads (1,2), limits as JSON. */
    public static void main(String[] args) throws Exception {
        GgufShapeRuns.ShapeFile f = new GgufShapeRuns.ShapeFile(args[0], Path.of(args[1]));
        int[] threads = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        Map<String, Object> limits = JSON.readValue(args[3], new TypeReference<Map<String, Object>>() { });
        Map<String, Object> cells = GgufShapeRuns.run(f, threads, limits, LlamaCppReference.fromEnv());
        System.out.println(JSON.writeValueAsString(cells));
    }
}
