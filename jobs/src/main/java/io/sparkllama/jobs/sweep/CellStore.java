package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A cell's directory {@code <output>/<cell-key>/}: {@code samples.parquet/} (per-sample results,
 * written by Spark's commit protocol) and {@code metrics.json}, written last by an atomic rename:
 * a cell is complete exactly when its metrics.json exists, so a killed sweep redoes only unfinished cells.
 */
public final class CellStore {
    public static final String METRICS = "metrics.json";
    public static final String SAMPLES = "samples.parquet";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final String samplesRoot;

    public CellStore(Path root) {
        this(root, null);
    }

    /** A store under {@code root} whose samples Spark writes under {@code samplesRoot} (a Hadoop URI; null: under root). */
    public CellStore(Path root, String samplesRoot) {
        this.root = root;
        this.samplesRoot = samplesRoot;
    }

    public Path dir(Cell cell) {
        return root.resolve(cell.key());
    }

    public Path samples(Cell cell) {
        return dir(cell).resolve(SAMPLES);
    }

    /** Where Spark writes the cell's samples: {@link #samples} or the same place under the samples root. */
    public String samplesTarget(Cell cell) {
        return samplesRoot == null ? samples(cell).toString() : samplesRoot + "/" + cell.key() + "/" + SAMPLES;
    }

    public boolean isComplete(Cell cell) {
        return Files.isRegularFile(dir(cell).resolve(METRICS));
    }

    public ObjectNode readMetrics(Cell cell) {
        try {
            return (ObjectNode) JSON.readTree(dir(cell).resolve(METRICS).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir(cell).resolve(METRICS) + ": delete the cell directory to redo it", e);
        }
    }

    /** The cell's record: what it is, where its samples are, its metrics. */
    public ObjectNode describe(Cell cell, CellResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cell", cell.key());
        o.put("model", cell.model().name());
        o.put("model_path", cell.model().path());
        o.put("weight_type", cell.model().weightType());
        o.put("model_sha256", cell.modelSha256());
        o.put("task", cell.task().label());
        o.put("data", cell.task().path());
        o.put("data_sha256", cell.dataSha256());
        ObjectNode s = o.putObject("settings");
        for (Map.Entry<String, Object> e : cell.settings().asMap().entrySet()) {
            s.putPOJO(e.getKey(), e.getValue());
        }
        ObjectNode m = o.putObject("metrics");
        r.metrics().forEach((k, v) -> {
            if (v == null || v.isNaN() || v.isInfinite()) {
                m.putNull(k);
            } else {
                m.put(k, v);
            }
        });
        o.put("wall_s", r.wallSeconds());
        o.put("tok_per_s", r.tokensPerSecond());
        o.put("tokens", r.tokens());
        if (r.positionsRequested() > 0) {
            o.put("positions_requested", r.positionsRequested());
            o.put("positions_computed", r.positionsComputed());
            o.put("prefix_hit_rate", r.prefixHitRate());
        }
        o.put("samples", cell.key() + "/" + SAMPLES);
        return o;
    }

    /** Writes metrics.json through a temporary file and an atomic rename: the cell's last step. */
    public void complete(Cell cell, ObjectNode record) {
        Path dir = dir(cell);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(METRICS + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), record);
            Files.move(tmp, dir.resolve(METRICS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(METRICS), e);
        }
    }
}
