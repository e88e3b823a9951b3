package io.sparkllama.bench;

import io.sparkllama.engine.tensor.kernel.VectorSupport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;

/** What a benchmark result records about the machine it ran on: CPU, cores, vector width, OS, load. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /**
     * CPU model and SIMD flags, cores, the preferred float vector width and the width the kernels
     * use (both in bits), any -XX:MaxVectorSize given, OS and the load average now.
     */
    public static Map<String, Object> describe() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cpu_simd_flags", simdFlags());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("vector_species_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("kernel_vector_bits", VectorSupport.bits());
        m.put("jvm_max_vector_size", maxVectorSizeFlag());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    /** The 1/5/15-minute load averages: this machine is shared, so say how busy it was. */
    public static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.isReadable(p) ? Files.readString(p).trim() : "unknown";
    }

    /** The -XX:MaxVectorSize this JVM was started with, or "default". */
    public static String maxVectorSizeFlag() {
        String flag = "default";
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxVectorSize=")) {
                flag = arg.substring("-XX:MaxVectorSize=".length());
            }
        }
        return flag;
    }

    /** The CPU's vector-related flags (/proc/cpuinfo: sse4_2, avx2, fma, f16c, avx512*, *vnni; asimd on ARM). */
    public static String simdFlags() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return "unknown";
        }
        for (String line : Files.readAllLines(info)) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                List<String> simd = new ArrayList<>();
                for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (f.equals("sse4_2") || f.startsWith("avx") || f.equals("fma") || f.equals("f16c")
                            || f.contains("vnni") || f.equals("asimd") || f.startsWith("sve")) {
                        simd.add(f);
                    }
                }
                return String.join(" ", simd);
            }
        }
        return "unknown";
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
