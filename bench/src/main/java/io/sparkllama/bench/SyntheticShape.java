package io.sparkllama.bench;

import java.util.List;

/**
 * A Llama model shape for seeded-random GGUF files, with the vocab GGUF whose tokenizer it borrows.
 *
 * @param vocabGguf path under the shared directory of a vocab-only GGUF with {@code vocab} tokens
 */
record SyntheticShape(String name, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int context,
                      float ropeTheta, String vocabGguf) {
    private static final String LLAMA2_VOCAB = "models/llama2-tokenizer/ggml-vocab-llama-spm.gguf";
    private static final String LLAMA3_VOCAB = "models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf";

    /** karpathy's stories110M: dim 768, hidden 2048, 12 layers, 12 heads, Llama 2 vocab. */
    static final SyntheticShape STORIES_110M = new SyntheticShape("stories110M", 768, 2048, 12, 12, 12, 32000, 1024, 10000f, LLAMA2_VOCAB);
    /** Llama 3.2 1B: dim 2048, hidden 8192, 16 layers, 32 heads, 8 kv heads, Llama 3 vocab (context cut to 2048). */
    static final SyntheticShape LLAMA32_1B = new SyntheticShape("llama3.2-1B", 2048, 8192, 16, 32, 8, 128256, 2048, 500000f, LLAMA3_VOCAB);

    /** Llama 3.2 1B as shipped: the same shape declaring its full 131072-token context (the real-shape benchmark's file). */
    static final SyntheticShape LLAMA32_1B_FULL_CONTEXT = new SyntheticShape("llama3.2-1B-131k", 2048, 8192, 16, 32, 8, 128256, 131072,
            500000f, LLAMA3_VOCAB);

    static List<SyntheticShape> all() {
        return List.of(STORIES_110M, LLAMA32_1B);
    }

    static SyntheticShape named(String name) {
        for (SyntheticShape s : List.of(STORIES_110M, LLAMA32_1B, LLAMA32_1B_FULL_CONTEXT)) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape " + name + " (known: stories110M, llama3.2-1B, llama3.2-1B-131k)");
    }

    int headSize() {
        return dim / heads;
    }

    int kvDim() {
        return kvHeads * headSize();
    }
}
