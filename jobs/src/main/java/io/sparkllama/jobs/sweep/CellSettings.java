package io.sparkllama.jobs.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of a sweep's settings grid.
 *
 * @param ctx     context length (model window; perplexity chunk or window size)
 * @param nShot   few-shot examples (loglikelihood and generation tasks)
 * @param limit   items per task at most; 0 for all
 * @param seed    few-shot draws and shuffled order
 * @param shuffle evaluate items in a seeded order instead of file order
 */
public record CellSettings(int ctx, int nShot, int limit, long seed, boolean shuffle) {
    /** The settings in a fixed order: part of the cell key and of the outputs. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ctx", ctx);
        m.put("n_shot", nShot);
        m.put("limit", limit);
        m.put("seed", seed);
        m.put("shuffle", shuffle);
        return m;
    }
}
