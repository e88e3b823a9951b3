package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * Job-wide generation defaults; a row's own columns of the same names ({@code max_tokens},
 * {@code temperature}, {@code seed}, {@code top_k}, {@code top_p} and those of {@link GenerateOptions})
 * override them.
 *
 * @param threads   engine threads per Spark task; 0 for the task's cores ({@link TaskThreads})
 * @param batchSize most rows generating at once in a task; rows join as others finish ({@link GenerationStream})
 * @param options   min-p, penalties, bias, stop strings, samples, chat template ({@link GenerateOptions#DEFAULTS} for none)
 * @param output    top_logprobs and structured output ({@link OutputOptions#NONE} for neither)
 */
public record GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize,
                               GenerateOptions options, OutputOptions output) implements Serializable {
    /** Settings without min-p, penalties, bias, stop strings, samples, chat defaults or output constraints. */
    public GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize) {
        this(maxTokens, temperature, topK, topP, seed, threads, batchSize, GenerateOptions.DEFAULTS, OutputOptions.NONE);
    }

    /** Settings with sampling options and no output constraints. */
    public GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize,
                            GenerateOptions options) {
        this(maxTokens, temperature, topK, topP, seed, threads, batchSize, options, OutputOptions.NONE);
    }

    /** Settings with output constraints and default sampling options. */
    public GenerateSettings(int maxTokens, float temperature, int topK, float topP, long seed, int threads, int batchSize,
                            OutputOptions output) {
        this(maxTokens, temperature, topK, topP, seed, threads, batchSize, GenerateOptions.DEFAULTS, output);
    }
}
