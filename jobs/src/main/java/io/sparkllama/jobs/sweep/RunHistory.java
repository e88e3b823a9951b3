package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The runs of a sweep: {@code <output>/runs/<timestamp>/metrics.json} (every cell's record and
 * whether the run passed its regression check), and one-line files naming a run, each replaced
 * atomically: {@code runs/latest} (the newest), {@code runs/last-passed} (the newest that passed)
 * and, written by hand, {@code runs/baseline} (a pinned run to compare with).
 */
public final class RunHistory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path runs;

    public RunHistory(Path output) {
        this.runs = output.resolve("runs");
    }

    /** The run {@code latest} points at, if any. */
    public Optional<JsonNode> latest() {
        return pointed("latest");
    }

    /**
     * What a new run is compared with: the pinned {@code baseline} when there is one, else the last
     * run that passed; runs recorded before pass/fail was kept count as passed.
     */
    public Optional<JsonNode> baseline() {
        if (Files.exists(runs.resolve("baseline"))) {
            return Optional.of(pointed("baseline").orElseThrow(() -> new UncheckedIOException(new IOException(
                    runs.resolve("baseline") + " names no run with a metrics.json; fix or delete it"))));
        }
        Optional<JsonNode> passed = pointed("last-passed");
        if (passed.isPresent()) {
            return passed;
        }
        return latest().filter(run -> !run.has("passed") || run.get("passed").asBoolean());
    }

    private Optional<JsonNode> pointed(String pointerName) {
        Path pointer = runs.resolve(pointerName);
        try {
            if (!Files.isRegularFile(pointer)) {
                return Optional.empty();
            }
            String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
            Path f = runs.resolve(name).resolve("metrics.json");
            return Files.isRegularFile(f) ? Optional.of(JSON.readTree(f.toFile())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the previous run under " + runs + ": remove runs/latest to start afresh", e);
        }
    }

    /** Records a run and points {@code latest} (and, when it passed, {@code last-passed}) at it; returns the run's name. */
    public String record(String sweep, List<ObjectNode> cells, double wallSeconds, boolean passed) {
        String name = STAMP.format(Instant.now());
        Path dir = runs.resolve(name);
        for (int n = 1; Files.exists(dir); n++) {
            dir = runs.resolve(name + "-" + n);
        }
        ObjectNode run = JSON.createObjectNode();
        run.put("sweep", sweep);
        run.put("run", dir.getFileName().toString());
        run.put("wall_s", wallSeconds);
        run.put("passed", passed);
        ArrayNode a = run.putArray("cells");
        cells.forEach(a::add);
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("metrics.json").toFile(), run);
            point("latest", dir);
            if (passed) {
                point("last-passed", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the run under " + runs, e);
        }
        return dir.getFileName().toString();
    }

    private void point(String pointerName, Path run) throws IOException {
        Path tmp = runs.resolve(pointerName + ".tmp");
        Files.writeString(tmp, run.getFileName() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, runs.resolve(pointerName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
