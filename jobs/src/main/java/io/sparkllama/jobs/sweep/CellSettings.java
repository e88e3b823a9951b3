package io.sparkllama.jobs.sweep;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
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
 * @param activations how Q8_0/Q4_0 weights meet the activations (part of the key: the two give
 *                    different numbers)
 * @param kvCacheType the KV cache's element type (part of the key, except f32, so that sweeps from
 *                    before the setting keep their keys)
 */
public record CellSettings(int ctx, int nShot, int limit, long seed, boolean shuffle, ActivationPrecision activations,
                           KvCacheType kvCacheType) {
    /** Settings with an fp32 KV cache. */
    public CellSettings(int ctx, int nShot, int limit, long seed, boolean shuffle, ActivationPrecision activations) {
        this(ctx, nShot, limit, seed, shuffle, activations, KvCacheType.F32);
    }

    /** The settings in a fixed order: part of the cell key and of the outputs. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ctx", ctx);
        m.put("n_shot", nShot);
        m.put("limit", limit);
        m.put("seed", seed);
        m.put("shuffle", shuffle);
        m.put("activations", activations.label());
        if (kvCacheType != KvCacheType.F32) {
            m.put("kv_cache_type", kvCacheType.label());
        }
        return m;
    }
}
