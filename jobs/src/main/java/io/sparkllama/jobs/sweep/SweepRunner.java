package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.datasets.tasks.TaskCatalog;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelLocation;
import io.sparkllama.udfs.ModelResolver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a whole sweep in one Spark application: every cell not yet complete, in model order (so
 * each executor maps a model once, through {@code ExecutorModels}, for all its cells), then records
 * the run, compares it with the last run that passed (or a pinned baseline) and writes the report.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    /** The sweep's cells: models x tasks x settings, keyed by content hashes. */
    public static List<Cell> cells(SweepConfig config) {
        List<Cell> cells = new ArrayList<>();
        for (SweepModel m : config.models()) {
            String sha = FileDigest.fileSha256(m.path());
            if (m.tokenizer() != null) {
                sha = sha + "+" + FileDigest.fileSha256(m.tokenizer());
            }
            for (SweepTask t : config.tasks()) {
                String data = FileDigest.fileSha256(t.path());
                for (CellSettings s : config.grid()) {
                    // A text's perplexity depends on ctx alone: one cell per ctx, whatever the other axes.
                    CellSettings eff = t.isPerplexity() ? new CellSettings(s.ctx(), 0, 0, 0, false, s.activations(), s.kvCacheType()) : s;
                    Cell c = new Cell(m, t, eff, sha, data);
                    if (!cells.contains(c)) {
                        cells.add(c);
                    }
                }
            }
        }
        return cells;
    }

    /** A cell's model handle: its context and activations, the model's or else the sweep's KV budget, the sweep's model cache budget. */
    static ModelHandle handle(SweepConfig config, Cell cell) {
        long kv = cell.model().kvCacheMemory() > 0 ? cell.model().kvCacheMemory() : config.kvCacheMemory();
        return ModelHandle.local(cell.model().path(), cell.model().tokenizer(), cell.settings().ctx(), cell.settings().activations())
                .withMemoryBudgets(kv, config.modelCacheMemory()).withKvCacheType(cell.settings().kvCacheType());
    }

    /**
     * The handle executors receive: a local model as it is (every node reads the same path); a model
     * at a Hadoop URI resolved like a job's (listed and hashed on the driver, copied once per executor
     * JVM by the {@code path} transport).
     */
    static ModelHandle deliverable(ModelHandle h, JavaSparkContext jsc) {
        if (ModelLocation.of(h.model()).isLocal() && (h.tokenizer() == null || ModelLocation.of(h.tokenizer()).isLocal())) {
            return h;
        }
        return ModelResolver.resolve(h.model(), h.tokenizer(), h.maxContext(), h.activations(), "path", jsc)
                .withMemoryBudgets(h.kvCacheMemory(), h.modelCacheMemory()).withKvCacheType(h.kvCacheType());
    }

    public static SweepSummary run(SparkSession spark, SweepConfig config, PrintStream out) {
        try (RemoteOutputMirror mirror = RemoteOutputMirror.open(config.output(), spark.sparkContext().hadoopConfiguration())) {
            return run(spark, config, mirror, out);
        }
    }

    private static SweepSummary run(SparkSession spark, SweepConfig config, RemoteOutputMirror mirror, PrintStream out) {
        long t0 = System.nanoTime();
        List<Cell> cells = cells(config);
        CellStore store = new CellStore(mirror.local(), mirror.samplesRoot());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<ModelHandle, Broadcast<ModelHandle>> handles = new HashMap<>();
        List<ObjectNode> records = new ArrayList<>();
        int computed = 0;
        long tokens = 0;
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            String what = String.format(Locale.ROOT, "[%d/%d] %s %s %s", i + 1, cells.size(), cell.model().name(), cell.task().label(), cell.settings().asMap());
            if (store.isComplete(cell)) {
                out.println("[spark-llama] " + what + ": complete, skipped (" + cell.key() + ")");
                records.add(store.readMetrics(cell));
                continue;
            }
            ModelHandle h = handle(config, cell);
            Broadcast<ModelHandle> model = handles.computeIfAbsent(h, k -> jsc.broadcast(deliverable(k, jsc)));
            CellContext cx = new CellContext(spark, model, store, config.threads(), config.partitions());
            jsc.setJobDescription("spark-llama eval " + what);
            CellResult r = cell.task().isPerplexity() ? PerplexityCell.run(cx, cell)
                    : TaskCatalog.isGeneration(cell.task().name()) ? GenerationCell.run(cx, cell)
                    : LoglikelihoodCell.run(cx, cell);
            ObjectNode record = store.describe(cell, r);
            store.complete(cell, record);
            mirror.push(); // a stopped sweep loses at most the running cell, as with a local output
            records.add(record);
            computed++;
            tokens += r.tokens();
            out.printf(Locale.ROOT, "[spark-llama] %s: %s in %.1f s%s (%s)%n", what, record.get("metrics"), r.wallSeconds(),
                    r.positionsRequested() == 0 ? "" : String.format(Locale.ROOT, ", prefix cache hit rate %.1f%% (%d of %d positions run)",
                            100 * r.prefixHitRate(), r.positionsComputed(), r.positionsRequested()), cell.key());
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        RunHistory history = new RunHistory(mirror.local());
        // The baseline is the last run that passed (or a pinned one), so a retry after a regression still fails.
        JsonNode previous = history.baseline().orElse(null);
        List<Regression> regressions = RegressionCheck.compare(records, previous, config.tolerances());
        String run = history.record(config.name(), records, wall, regressions.isEmpty());
        Path report = ReportWriter.write(mirror.local(), config.name(), run, records, previous);
        mirror.push();
        return new SweepSummary(run, cells.size(), computed, cells.size() - computed, wall, tokens, regressions, mirror.published(report));
    }
}
