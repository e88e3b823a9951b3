package io.sparkllama.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares two sweep outputs cell by cell (before and after a change): per-choice logprobs bit for
 * bit from the samples, and each metric; prints and writes JSON with the wall times and hit rates
 * each cell recorded.
 *
 * <p>Usage: {@code SweepComparison BEFORE_DIR AFTER_DIR OUT.json [KEY=VALUE ...]} (extra pairs are recorded as they are)
 */
public final class SweepComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path before = Path.of(args[0]);
        Path after = Path.of(args[1]);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "eval sweep before vs after (same cells): per-choice logprobs and metrics");
        out.put("machine", MachineInfo.describe());
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            out.put(kv[0], kv[1]);
        }
        SparkSession spark = SparkSession.builder().master("local[1]").appName("sweep-comparison")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        List<Map<String, Object>> cells = new ArrayList<>();
        boolean allSame = true;
        try (Stream<Path> dirs = Files.list(before)) {
            for (Path b : dirs.sorted().toList()) {
                Path a = after.resolve(b.getFileName());
                if (!Files.isRegularFile(b.resolve("metrics.json")) || !Files.isRegularFile(a.resolve("metrics.json"))) {
                    continue;
                }
                JsonNode mb = JSON.readTree(b.resolve("metrics.json").toFile());
                JsonNode ma = JSON.readTree(a.resolve("metrics.json").toFile());
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("task", mb.get("task").asText());
                c.put("settings", mb.get("settings"));
                c.put("wall_s_before", mb.get("wall_s").asDouble());
                c.put("wall_s_after", ma.get("wall_s").asDouble());
                c.put("speedup", mb.get("wall_s").asDouble() / ma.get("wall_s").asDouble());
                c.put("prefix_hit_rate_after", ma.path("prefix_hit_rate").asDouble(0));
                List<Row> rb = spark.read().parquet(b.resolve("samples.parquet").toString()).orderBy("sample").collectAsList();
                List<Row> ra = spark.read().parquet(a.resolve("samples.parquet").toString()).orderBy("sample").collectAsList();
                int differing = 0;
                for (int i = 0; i < rb.size(); i++) {
                    List<Double> lb = rb.get(i).getList(rb.get(i).fieldIndex("logprobs"));
                    List<Double> la = ra.get(i).getList(ra.get(i).fieldIndex("logprobs"));
                    for (int k = 0; k < lb.size(); k++) {
                        if (Double.doubleToLongBits(lb.get(k)) != Double.doubleToLongBits(la.get(k))) {
                            differing++;
                            break;
                        }
                    }
                }
                c.put("items", rb.size());
                c.put("items_with_different_logprobs", rb.size() == ra.size() ? differing : -1);
                Map<String, Object> metrics = new LinkedHashMap<>();
                for (var it = mb.get("metrics").fields(); it.hasNext(); ) {
                    var e = it.next();
                    JsonNode va = ma.get("metrics").get(e.getKey());
                    metrics.put(e.getKey(), Map.of("before", e.getValue(), "after", va == null ? "absent" : va,
                            "same", e.getValue().equals(va)));
                    // acc_norm changed meaning (characters, not bytes): the old value is now acc_bytes.
                    if (e.getKey().equals("acc_norm") && !e.getValue().equals(va)) {
                        JsonNode bytes = ma.get("metrics").get("acc_bytes");
                        metrics.put("acc_norm(before) vs acc_bytes(after)", Map.of("same", e.getValue().equals(bytes)));
                    } else if (e.getKey().equals("n_errors") || e.getKey().equals("acc") || e.getKey().equals("acc_stderr")) {
                        allSame &= e.getValue().equals(va);
                    }
                }
                c.put("metrics", metrics);
                allSame &= differing == 0 && rb.size() == ra.size();
                cells.add(c);
            }
        } finally {
            spark.stop();
        }
        out.put("cells", cells);
        out.put("logprobs_and_acc_identical", allSame);
        String json = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        System.out.println(json);
        Files.writeString(Path.of(args[2]), json + "\n");
    }
}
