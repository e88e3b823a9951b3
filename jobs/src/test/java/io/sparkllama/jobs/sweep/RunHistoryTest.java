package io.sparkllama.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression memory (issue 24 row 13): a regressed run exits 3, and a retry still compares with the
 * last run that passed, not with the regressed one; a pinned baseline wins over both.
 */
class RunHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Double> TOLERANCE = Map.of("acc", 0.01);

    @TempDir
    Path tmp;

    private static ObjectNode cell(double acc) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model", "m");
        c.put("task", "arc_easy");
        c.putObject("settings").put("ctx", 512);
        c.putObject("metrics").put("acc", acc);
        return c;
    }

    /** One scheduled run as SweepRunner does it: compare with the baseline, record, return the regression count. */
    private static int run(RunHistory history, double acc) {
        List<ObjectNode> cells = List.of(cell(acc));
        JsonNode baseline = history.baseline().orElse(null);
        List<Regression> r = RegressionCheck.compare(cells, baseline, TOLERANCE);
        history.record("nightly", cells, 1.0, r.isEmpty());
        return r.size();
    }

    @Test
    void row13ARetryAfterARegressionStillFails() throws IOException, InterruptedException {
        RunHistory history = new RunHistory(tmp);
        assertEquals(0, run(history, 0.60), "first run: nothing to compare");
        assertEquals(1, run(history, 0.50), "regressed by 0.10");
        assertEquals(1, run(history, 0.50), "the retry compares with the last passing run (0.60), not the regressed one");
        assertFalse(history.latest().orElseThrow().get("passed").asBoolean());
        assertEquals(0.60, history.baseline().orElseThrow().get("cells").get(0).get("metrics").get("acc").asDouble());
        assertEquals(0, run(history, 0.605), "recovered");
        assertEquals(0.605, history.baseline().orElseThrow().get("cells").get(0).get("metrics").get("acc").asDouble());

        // A pinned baseline (runs/baseline names a run) wins over the last passing run.
        String first = Files.list(tmp.resolve("runs")).map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{8}T.*"))
                .sorted().findFirst().orElseThrow();
        Files.writeString(tmp.resolve("runs/baseline"), first + "\n");
        assertEquals(0.60, history.baseline().orElseThrow().get("cells").get(0).get("metrics").get("acc").asDouble());
    }

    @Test
    void runsRecordedBeforePassFailWasKeptCountAsPassed() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("runs/20261101T000000Z"));
        Files.writeString(run.resolve("metrics.json"), "{\"sweep\": \"nightly\", \"cells\": [" + cell(0.6) + "]}");
        Files.writeString(tmp.resolve("runs/latest"), "20261101T000000Z\n");
        assertEquals(1, run(new RunHistory(tmp), 0.5));
    }
}
