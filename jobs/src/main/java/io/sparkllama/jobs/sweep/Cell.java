package io.sparkllama.jobs.sweep;

import java.util.TreeMap;

/**
 * One cell of a sweep: a model, a task and a settings point, keyed by a hash of what determines
 * its results (model and tokenizer sha256, task, settings, data sha256), so a rerun finds finished cells.
 */
public record Cell(SweepModel model, SweepTask task, CellSettings settings, String modelSha256, String dataSha256) {
    /** 16 hex digits of sha256 over the canonical description. */
    public String key() {
        String canonical = "model=" + modelSha256
                + "|task=" + task.label() + "|settings=" + new TreeMap<>(settings.asMap()) + "|data=" + dataSha256;
        return FileDigest.sha256(canonical).substring(0, 16);
    }
}
