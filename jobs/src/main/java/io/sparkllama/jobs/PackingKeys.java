package io.sparkllama.jobs;

import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.udfs.PackingSettings;
import java.util.HashMap;
import java.util.Map;
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

    /** The DataFrame API's options of a scoring job: threads, batch size, packing. */
    static Map<String, String> options(int threads, int batchSize, PackingSettings p) {
        Map<String, String> o = new HashMap<>();
        o.put("threads", String.valueOf(threads));
        o.put("batch_size", String.valueOf(batchSize));
        o.put("step_tokens", String.valueOf(p.stepTokens()));
        o.put("prefix_cache", String.valueOf(p.prefixCache()));
        return o;
    }

    static void record(Map<String, Object> recorded, PackingSettings p) {
        recorded.put("step_tokens", p.stepTokens());
        recorded.put("prefix_cache", p.prefixCache());
    }
}
