package io.sparkllama.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The opening fields of a benchmark's JSON record: what ran, when, on which model and rows, and the machine's width. */
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
        return out;
    }
}
