package io.sparkllama.engine.width;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.cli.LlamaCli;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that cannot run the kernels says so at startup, naming the flag to fix: never a wrong answer or a stack trace. */
class VectorSupportTest {

    /** Runs {@code llama score} on stories260K in a JVM with this JVM's flags, minus those {@code drop} matches, plus {@code extra}. */
    private static String[] cli(String drop, String extra) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (drop == null || !arg.contains(drop)) {
                cmd.add(arg);
            }
        }
        if (extra != null) {
            cmd.add(extra);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LlamaCli.class.getName(), "score",
                "--model", SharedFiles.require("models/stories260K/stories260K.bin").toString(), "--text", "Once upon a time"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        return new String[] {Integer.toString(p.exitValue()), out, err};
    }

    /** stderr without the JVM's own notice that an incubator module is in use. */
    private static List<String> ownLines(String err) {
        return err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
    }

    @Test
    void vectorsUnder128BitsAreRefusedNamingTheFlag() throws Exception {
        String[] r = cli(null, "-XX:MaxVectorSize=8");
        assertEquals("1", r[0], r[2]);
        assertEquals("", r[1]);
        assertEquals(List.of("error: the JVM offers 64-bit float vectors; spark-llama's kernels need at least 128 bits:"
                + " remove -XX:MaxVectorSize below 16 or -XX:UseAVX=0 from the JVM options (supported widths: 128, 256 and 512 bits)"),
                ownLines(r[2]));
    }

    @Test
    void aJvmWithoutTheVectorModuleIsToldHowToAddIt() throws Exception {
        String[] r = cli("jdk.incubator.vector", null);
        assertEquals("1", r[0], r[2]);
        List<String> lines = ownLines(r[2]);
        assertEquals(1, lines.size(), "one line, no stack trace: " + r[2]);
        assertTrue(lines.get(0).startsWith("error: the JVM lacks the Vector API module: start it with --add-modules=jdk.incubator.vector"), r[2]);
    }

    @Test
    void every128BitOrWiderJvmScores() throws Exception {
        String[] r = cli(null, "-XX:MaxVectorSize=16");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("perplexity"), r[1]);
    }
}
