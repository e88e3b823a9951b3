package io.sparkllama.jobs.sweep;

/**
 * A model of a sweep: a short name for tables and plots, its file, an optional tokenizer, its
 * weight type (for the perplexity-by-weight-type plot; taken from the file name when not given),
 * and its own {@code kv_cache_memory} (bytes per executor; 0 for the sweep's).
 */
public record SweepModel(String name, String path, String tokenizer, String weightType, long kvCacheMemory) {
    /** A model with the sweep's KV budget. */
    public SweepModel(String name, String path, String tokenizer, String weightType) {
        this(name, path, tokenizer, weightType, 0);
    }

    static String guessWeightType(String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT);
        for (String t : new String[] {"q4_0-pure", "q4_0", "q8_0", "q4_k", "q6_k", "bf16", "f16", "f32"}) {
            if (p.contains(t)) {
                return t;
            }
        }
        return p.endsWith(".bin") ? "f32" : "unknown";
    }
}
