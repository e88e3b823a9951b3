package io.sparkllama.jobs;

import io.sparkllama.datasets.scan.InputScan;
import io.sparkllama.engine.Engine;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * What a finished inference run leaves: its {@link JobSummary} from the progress counts, the run
 * record ({@link RunMetadata}: settings, model, counts, memory, CSV dialect, prefix-cache hit rate)
 * in the attempt directory, and the summary lines on {@code out}.
 */
final class RunRecord {
    private RunRecord() {
    }

    /** @param errorRows malformed input lines written as error rows ({@code bad_rows=error}) */
    static JobSummary write(JobSpec spec, ModelHandle handle, Engine engine, InputScan.Result scanned, JobProgress progress,
                            TokenCache tokenCache, long errorRows, double seconds, String master, String attemptDirectory,
                            Configuration conf, PrintStream out) {
        JobSummary summary = new JobSummary(spec.job(), spec.output(), progress.rows().value() + errorRows,
                progress.errors().value() + errorRows, progress.inputTokens().value(), progress.outputTokens().value(), seconds,
                tokenCache == null ? null : new TokenCacheCounts(tokenCache.directory(), tokenCache.cachedRows().value(),
                        tokenCache.tokenizedRows().value(), tokenCache.rebuiltFiles().value()));
        Map<String, Object> metadata = RunMetadata.describe(spec, handle, summary, master);
        metadata.put("memory", MemoryRecord.describe(engine, handle, progress, master));
        if (scanned.csv() != null) {
            // How the CSV was read, as the scan found it: a rerun can be checked against the same reading.
            metadata.put("input_csv", Map.of("quote", String.valueOf(scanned.csv().quote()), "escape", String.valueOf(scanned.csv().escape()),
                    "separator", String.valueOf(scanned.csv().delimiter()), "line_ending", scanned.csv().lineSeparator().equals("\r\n") ? "CRLF" : "LF"));
        }
        long requested = progress.positionsRequested().value();
        long computed = progress.positionsComputed().value();
        if (requested > 0) {
            // Scoring jobs: how much of the model's work the prefix cache saved.
            @SuppressWarnings("unchecked")
            Map<String, Object> recordedCounts = (Map<String, Object>) metadata.get("counts");
            recordedCounts.put("positions_requested", requested);
            recordedCounts.put("positions_computed", computed);
            recordedCounts.put("prefix_hit_rate", 1 - (double) computed / requested);
        }
        RunMetadata.write(attemptDirectory, metadata, conf);
        out.printf(Locale.ROOT, "[spark-llama] wrote %d rows (%d with errors) to %s in %.1f s: %d input tokens, %d output tokens (%.1f tok/s)%n",
                summary.rows(), summary.errors(), spec.output(), seconds, summary.inputTokens(), summary.outputTokens(),
                (summary.inputTokens() + summary.outputTokens()) / Math.max(seconds, 1e-9));
        if (requested > 0) {
            out.printf(Locale.ROOT, "[spark-llama] prefix cache: %d of %d positions run (hit rate %.1f%%)%n", computed, requested,
                    100 * (1 - (double) computed / requested));
        }
        if (summary.tokenCache() != null) {
            TokenCacheCounts c = summary.tokenCache();
            out.printf(Locale.ROOT, "[spark-llama] token cache %s: %d rows from the cache (hits), %d rows tokenized (misses), %d corrupt files rebuilt%n",
                    c.directory(), c.cachedRows(), c.tokenizedRows(), c.rebuiltFiles());
        }
        return summary;
    }
}
