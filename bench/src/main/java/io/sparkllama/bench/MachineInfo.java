package io.sparkllama.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;

/** What a benchmark result records about the machine it ran on: CPU, cores, vector width, OS, load. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /** CPU model, cores, preferred float vector width in bits, OS and the load average now. */
    public static Map<String, Object> describe() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("vector_species_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    /** The 1/5/15-minute load averages: this machine is shared, so say how busy it was. */
    public static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.isReadable(p) ? Files.readString(p).trim() : "unknown";
    }

    private static String cpuModel() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return "unknown";
        }
        for (String line : Files.readAllLines(info)) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }
}
