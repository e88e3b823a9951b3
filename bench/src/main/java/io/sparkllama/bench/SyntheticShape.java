package io.sparkllama.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A Llama model shape for seeded-random GGUF files, with the vocab GGUF whose tokenizer it borrows.
 *
 * @param ropeScalingFactor Llama 3.1-style RoPE frequency scaling factor (written as llama.cpp's
 *                          {@code rope_freqs.weight}), or 0 for none
 * @param tied              whether the classifier is the token embedding (no {@code output.weight}), as in Llama 3.2
 * @param vocabGguf         path under the shared directory of a vocab-only GGUF with {@code vocab} tokens
 */
record SyntheticShape(String name, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int context,
                      float ropeTheta, float ropeScalingFactor, boolean tied, String vocabGguf) {
    private static final String LLAMA2_VOCAB = "models/llama2-tokenizer/ggml-vocab-llama-spm.gguf";
    private static final String LLAMA3_VOCAB = "models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf";

    /** karpathy's stories110M: dim 768, hidden 2048, 12 layers, 12 heads, Llama 2 vocab. */
    static final SyntheticShape STORIES_110M = new SyntheticShape("stories110M", 768, 2048, 12, 12, 12, 32000, 1024, 10000f, 0, false,
            LLAMA2_VOCAB);
    /** Llama 3.2 1B: dim 2048, hidden 8192, 16 layers, 32 heads, 8 kv heads, Llama 3 vocab (context cut to 2048). */
    static final SyntheticShape LLAMA32_1B = new SyntheticShape("llama3.2-1B", 2048, 8192, 16, 32, 8, 128256, 2048, 500000f, 0, false,
            LLAMA3_VOCAB);

    /** Llama 3.2 1B as shipped: its full 131072-token context, RoPE scaling factor 32, tied classifier. */
    static final SyntheticShape LLAMA32_1B_FULL_CONTEXT = new SyntheticShape("llama3.2-1B-131k", 2048, 8192, 16, 32, 8, 128256, 131072,
            500000f, 32f, true, LLAMA3_VOCAB);
    /** Llama 3.2 3B as shipped: dim 3072, hidden 8192, 28 layers, 24 heads, 8 kv heads, scaling factor 32, tied. */
    static final SyntheticShape LLAMA32_3B_FULL_CONTEXT = new SyntheticShape("llama3.2-3B-131k", 3072, 8192, 28, 24, 8, 128256, 131072,
            500000f, 32f, true, LLAMA3_VOCAB);
    /** Llama 3.1 8B as shipped: dim 4096, hidden 14336, 32 layers, 32 heads, 8 kv heads, scaling factor 8, untied. */
    static final SyntheticShape LLAMA31_8B_FULL_CONTEXT = new SyntheticShape("llama3.1-8B-131k", 4096, 14336, 32, 32, 8, 128256, 131072,
            500000f, 8f, false, LLAMA3_VOCAB);

    static List<SyntheticShape> all() {
        return List.of(STORIES_110M, LLAMA32_1B);
    }

    /** The shapes real files ship in, each declaring 131072 positions (the real-shape benchmarks' files). */
    static List<SyntheticShape> fullContext() {
        return List.of(LLAMA32_1B_FULL_CONTEXT, LLAMA32_3B_FULL_CONTEXT, LLAMA31_8B_FULL_CONTEXT);
    }

    static SyntheticShape named(String name) {
        List<String> known = new ArrayList<>();
        for (SyntheticShape s : List.of(STORIES_110M, LLAMA32_1B, LLAMA32_1B_FULL_CONTEXT, LLAMA32_3B_FULL_CONTEXT, LLAMA31_8B_FULL_CONTEXT)) {
            if (s.name.equals(name)) {
                return s;
            }
            known.add(s.name);
        }
        throw new IllegalArgumentException("unknown shape " + name + " (known: " + String.join(", ", known) + ")");
    }

    /**
     * llama.cpp's {@code rope_freqs.weight}: per frequency pair, the divisor of Llama 3.1's
     * apply_scaling (original context 8192, low/high frequency factors 1 and 4).
     */
    float[] ropeFrequencyDivisors() {
        int pairs = headSize() / 2;
        float[] d = new float[pairs];
        double original = 8192;
        double low = 1;
        double high = 4;
        for (int p = 0; p < pairs; p++) {
            double wavelen = 2 * Math.PI * Math.pow(ropeTheta, 2.0 * p / headSize());
            if (wavelen < original / high) {
                d[p] = 1;
            } else if (wavelen > original / low) {
                d[p] = ropeScalingFactor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                d[p] = (float) (1 / ((1 - smooth) / ropeScalingFactor + smooth));
            }
        }
        return d;
    }

    int headSize() {
        return dim / heads;
    }

    int kvDim() {
        return kvHeads * headSize();
    }
}
