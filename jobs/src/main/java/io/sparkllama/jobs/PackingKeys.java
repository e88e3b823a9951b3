package io.sparkllama.jobs;

import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.udfs.PackingSettings;
import java.util.Set;

/**
 * The scoring jobs' packing settings: {@code step_tokens}, {@code prefix_cache}, their default
 * micro-batch, and {@code group_by_prefix} (read into {@link CommonSettings}, as partitioning is).
 */
final class PackingKeys {
    static final Set<String> KEYS = Set.of("step_tokens", "prefix_cache", "group_by_prefix");

    private PackingKeys() {
    }

    static PackingSettings from(Settings s) {
        return new PackingSettings(s.integer("step_tokens", PackedScorer.DEFAULT_STEP_TOKENS, 1, PackedScorer.MAX_STEP_TOKENS), s.bool("prefix_cache", true));
    }

    /** {@code batch_size} as given, else {@link PackingSettings#DEFAULT_BATCH_ROWS}. */
    static int batchSize(Settings s) {
        return s.integer("batch_size", PackingSettings.DEFAULT_BATCH_ROWS, 1);
    }
}
