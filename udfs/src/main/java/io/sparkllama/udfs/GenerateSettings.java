package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * Job-wide generation defaults; a row's own {@code max_tokens}, {@code temperature} and
 * {@code seed} columns override them.
 *
 * @param threads   engine threads per Spark task; 0 for the task's cores ({@link TaskThreads})
 * @param batchSize most rows generating at once in a task; rows join as others finish ({@link GenerationStream})
 * @param output    top_logprobs and structured output ({@link OutputOptions#NONE} for neither)
 */
public record GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize,
                               OutputOptions output) implements Serializable {
    public GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize) {
        this(maxTokens, temperature, topK, topP, seed, threads, batchSize, OutputOptions.NONE);
    }
}
