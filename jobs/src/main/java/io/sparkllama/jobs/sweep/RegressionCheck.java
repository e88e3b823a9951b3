package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a run with the previous one. Cells are matched by model name, task and settings (not
 * by key: a new model file under the same name is exactly what a nightly run must compare);
 * a metric with a tolerance regresses when it is worse by more than the tolerance (absolute units
 * of the metric). Metrics without a tolerance are reported in the report but never fail a run.
 */
public final class RegressionCheck {
    private RegressionCheck() {
    }

    /** The identity a cell keeps from run to run. */
    public static String identity(JsonNode cell) {
        return cell.get("model").asText() + " | " + cell.get("task").asText() + " | " + cell.get("settings").toString();
    }

    public static Map<String, JsonNode> byIdentity(JsonNode run) {
        Map<String, JsonNode> m = new HashMap<>();
        if (run != null) {
            run.get("cells").forEach(c -> m.put(identity(c), c));
        }
        return m;
    }

    public static List<Regression> compare(List<? extends JsonNode> now, JsonNode previous, Map<String, Double> tolerances) {
        List<Regression> out = new ArrayList<>();
        Map<String, JsonNode> before = byIdentity(previous);
        for (JsonNode cell : now) {
            JsonNode old = before.get(identity(cell));
            if (old == null) {
                continue;
            }
            for (Map.Entry<String, Double> t : tolerances.entrySet()) {
                JsonNode a = old.get("metrics").get(t.getKey());
                JsonNode b = cell.get("metrics").get(t.getKey());
                if (a == null || b == null || !a.isNumber() || !b.isNumber()) {
                    continue;
                }
                double worse = MetricDirection.of(t.getKey()).worsening(a.asDouble(), b.asDouble());
                if (worse > t.getValue()) {
                    out.add(new Regression(identity(cell), t.getKey(), a.asDouble(), b.asDouble(), t.getValue()));
                }
            }
        }
        return out;
    }
}
