package io.sparkllama.engine.width;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Same bits on every CPU: {@link WidthProbe} run in JVMs whose vectors are limited to each
 * narrower width this machine supports ({@code -XX:MaxVectorSize=16} for 128 bits, {@code =32} for
 * 256) gives exactly the digests of this JVM's default width. The widths compared are written to
 * {@code target/vector-widths.txt}.
 */
class VectorWidthTest {

    @Test
    void everyNarrowerWidthGivesTheDefaultWidthsBits() throws Exception {
        int defaultBits = KernelSpecies.LANES * Float.SIZE;
        Map<String, String> reference = WidthProbe.results();
        assertTrue(reference.size() > 100, "the probe covers kernels and models: " + reference.size() + " cases");
        List<String> ran = new ArrayList<>(List.of(defaultBits + " bits (default, " + reference.size() + " cases)"));
        for (int bits = 128; bits < defaultBits; bits *= 2) {
            Map<String, String> narrow = probe(bits);
            assertEquals(reference.keySet(), narrow.keySet(), "the same cases at " + bits + " bits");
            for (Map.Entry<String, String> e : reference.entrySet()) {
                assertEquals(e.getValue(), narrow.get(e.getKey()), e.getKey() + ": " + bits + "-bit vectors against " + defaultBits);
            }
            ran.add(bits + " bits (-XX:MaxVectorSize=" + bits / 8 + "): bit-identical");
        }
        String record = String.join("\n", ran) + "\n";
        System.out.print("vector widths compared:\n" + record);
        Files.writeString(Path.of("target", "vector-widths.txt"), record);
    }

    /** The probe's digests from a JVM limited to {@code bits}-bit vectors; checks that the limit took effect. */
    private static Map<String, String> probe(int bits) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-XX:MaxVectorSize=" + bits / 8);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WidthProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the " + bits + "-bit probe JVM did not finish");
        assertEquals(0, p.exitValue(), "the " + bits + "-bit probe failed:\n" + out);
        Map<String, String> digests = new LinkedHashMap<>();
        for (String line : out.strip().split("\n")) {
            int space = line.lastIndexOf(' ');
            digests.put(line.substring(0, space), line.substring(space + 1));
        }
        assertEquals(Integer.toString(bits / Float.SIZE), digests.remove("lanes"), "float lanes under -XX:MaxVectorSize=" + bits / 8);
        return digests;
    }
}
