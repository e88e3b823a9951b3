package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * Job-wide generation defaults; a row's own columns of the same names ({@code max_tokens},
 * {@code temperature}, {@code seed}, {@code top_k}, {@code top_p} and those of {@link GenerateOptions})
 * override them.
 *
 * @param threads   engine threads per Spark task; 0 for the task's cores ({@link TaskThreads})
 * @param batchSize most rows generating at once in a task; rows join as others finish ({@link GenerationStream})
 */
public record GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize,
                               GenerateOptions options) implements Serializable {
    /** Settings without min-p, penalties, bias, stop strings, samples or chat defaults. */
    public GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize) {
        this(maxTokens, temperature, topK, topP, seed, threads, batchSize, GenerateOptions.DEFAULTS);
    }
}
