package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationSettingsJson;
import io.sparkllama.engine.generate.LogitBias;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Job-wide defaults of the generate settings beyond temperature and top-k/p (issue 18); each has a
 * per-row column of the same name that overrides it.
 *
 * @param logitBias token id to a value added to its logit (OpenAI's {@code logit_bias})
 * @param stop      stop strings (OpenAI's {@code stop})
 * @param n         completions per input row, each with its own seed ({@link io.sparkllama.engine.generate.SampleSeeds})
 * @param template  the chat template ({@code llama2}, {@code llama3} or {@code model}); null when not set: then
 *                  chat rows use {@code model} and a row with a bare prompt is a plain completion, while a set
 *                  template makes every row a chat
 */
public record GenerateOptions(float minP, float repetitionPenalty, float frequencyPenalty, float presencePenalty,
                              Map<Integer, Float> logitBias, List<String> stop, int n, String template)
        implements Serializable {
    /** The chat templates by name. */
    public static final List<String> TEMPLATES = List.of("llama2", "llama3", "model");
    /** Most completions per row. */
    public static final int MAX_N = io.sparkllama.engine.generate.SampleSeeds.MAX_SAMPLES;
    public static final GenerateOptions DEFAULTS = new GenerateOptions(0f, 1f, 0f, 0f, Map.of(), List.of(), 1, null);

    public GenerateOptions {
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
        checkN(n);
        checkTemplate(template);
    }

    /** Whether every row is a chat (the template was set). */
    public boolean chatAll() {
        return template != null;
    }

    /** The template for a chat row without its own. */
    public String chatTemplate() {
        return template == null ? "model" : template;
    }

    /** @throws InvalidRequestException unless {@code template} is null or one of {@link #TEMPLATES} */
    public static String checkTemplate(String template) {
        if (template != null && !TEMPLATES.contains(template)) {
            throw new InvalidRequestException("setting template must be one of " + String.join(", ", TEMPLATES) + ", got '" + template + "'");
        }
        return template;
    }

    /** @throws InvalidRequestException unless {@code 1 <= n <= MAX_N} */
    public static int checkN(long n) {
        if (n < 1 || n > MAX_N) {
            throw new InvalidRequestException("n must be in [1, " + MAX_N + "], got " + n);
        }
        return (int) n;
    }

    /**
     * The checks only the model can make: every {@code logit_bias} id within its vocabulary, and a
     * template that was set exists for it (a driver-side check before any row).
     *
     * @throws InvalidRequestException naming the setting
     */
    public void checkAgainst(Engine engine) {
        LogitBias.of(logitBias).requireWithin(engine.vocabSize());
        if (template != null) {
            engine.requireChatTemplate(template);
        }
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
