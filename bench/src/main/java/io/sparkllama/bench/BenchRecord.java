package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A benchmark's JSON record: its opening fields (what ran, when, on which model and rows, the machine's width) and where it goes. */
final class BenchRecord {
    private BenchRecord() {
    }

    static Map<String, Object> start(String bench, Path model, int rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", bench);
        out.put("created", Instant.now().toString());
        out.put("model", model.toString());
        out.put("rows", rows);
        out.put("available_processors", Runtime.getRuntime().availableProcessors());
        try {
            out.put("machine", MachineInfo.describe()); // CPU, SIMD flags, vector width, load
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Prints {@code report} as indented JSON and, when {@code out} is given, writes it there too (parent directories made). */
    static void emit(Map<String, Object> report, Path out) throws IOException {
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
    }
}
