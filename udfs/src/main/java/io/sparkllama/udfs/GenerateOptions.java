package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationSettingsJson;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Job-wide defaults of the generate settings beyond temperature and top-k/p (issue 18); each has a
 * per-row column of the same name that overrides it.
 *
 * @param logitBias token id to a value added to its logit (OpenAI's {@code logit_bias})
 * @param stop      stop strings (OpenAI's {@code stop})
 * @param n         completions per input row, each with its own seed ({@link SampleSeeds})
 * @param template  the chat template for chat rows ({@code llama2}, {@code llama3} or {@code model})
 * @param chatAll   whether the template was set explicitly: then a row with a bare prompt is chat too
 */
public record GenerateOptions(float minP, float repetitionPenalty, float frequencyPenalty, float presencePenalty,
                              Map<Integer, Float> logitBias, List<String> stop, int n, String template, boolean chatAll)
        implements Serializable {
    /** Most completions per row. */
    public static final int MAX_N = 16;
    public static final GenerateOptions DEFAULTS = new GenerateOptions(0f, 1f, 0f, 0f, Map.of(), List.of(), 1, "model", false);

    public GenerateOptions {
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
        checkN(n);
    }

    /** @throws InvalidRequestException unless {@code 1 <= n <= MAX_N} */
    public static int checkN(long n) {
        if (n < 1 || n > MAX_N) {
            throw new InvalidRequestException("n must be in [1, " + MAX_N + "], got " + n);
        }
        return (int) n;
    }

    /** {@code stop} as a JSON array of strings ({@link GenerationSettingsJson#stop}). */
    public static List<String> parseStop(String json) {
        return GenerationSettingsJson.stop(json);
    }

    /** {@code logit_bias} as a JSON object from token id to bias ({@link GenerationSettingsJson#logitBias}). */
    public static Map<Integer, Float> parseLogitBias(String json) {
        return GenerationSettingsJson.logitBias(json);
    }
}
