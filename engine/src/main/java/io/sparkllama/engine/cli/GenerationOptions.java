package io.sparkllama.engine.cli;

import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationSettingsJson;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.OutputFormat;
import io.sparkllama.engine.generate.SampleSeeds;
import io.sparkllama.engine.generate.SamplingParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What generate and chat read from their options besides the prompt: sampling, stop strings,
 * {@code --n}, {@code --top-logprobs} and the output format ({@code --json-schema} or {@code --choices}).
 */
record GenerationOptions(SamplingParams base, List<String> stop, int n, int topLogprobs, OutputFormat output) {

    static GenerationOptions of(CliArguments a) {
        String bias = a.get("logit-bias", null);
        SamplingParams base = new SamplingParams(a.floatValue("temperature", 0f), a.intValue("top-k", 0), a.floatValue("top-p", 1f),
                a.longValue("seed", 42), a.floatValue("min-p", 0f), a.floatValue("repetition-penalty", 1f),
                a.floatValue("frequency-penalty", 0f), a.floatValue("presence-penalty", 0f),
                bias == null ? LogitBias.NONE : LogitBias.of(GenerationSettingsJson.logitBias(bias)));
        String stop = a.get("stop", null);
        int n = a.intValue("n", 1);
        if (n < 1 || n > SampleSeeds.MAX_SAMPLES) {
            throw new UsageException("--n must be in [1, " + SampleSeeds.MAX_SAMPLES + "], got " + n);
        }
        int top = a.intValue("top-logprobs", 0);
        if (top < 0 || top > GenerationRequest.MAX_TOP_LOGPROBS) {
            throw new UsageException("--top-logprobs must be in [0, " + GenerationRequest.MAX_TOP_LOGPROBS + "], got " + top);
        }
        return new GenerationOptions(base, stop == null ? List.of() : GenerationSettingsJson.stop(stop), n, top, output(a));
    }

    /** Sample {@code k}'s parameters: the base seed for sample 0, a derived one after ({@link SampleSeeds}). */
    SamplingParams sampling(int k) {
        return base.withSeed(SampleSeeds.of(base.seed(), k));
    }

    private static OutputFormat output(CliArguments a) {
        String schema = a.get("json-schema", null);
        String choices = a.get("choices", null);
        if (schema != null && choices != null) {
            throw new UsageException("give --json-schema or --choices, not both");
        }
        if (schema != null) {
            return OutputFormat.jsonSchema(schema.stripLeading().startsWith("{") ? schema : readSchema(schema)).check();
        }
        if (choices != null) {
            List<String> labels = new ArrayList<>();
            for (String l : choices.split(",", -1)) {
                labels.add(l);
            }
            return OutputFormat.choices(labels).check();
        }
        return null;
    }

    private static String readSchema(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--json-schema: cannot read the schema file " + file + " (" + e.getMessage()
                    + "); give a file or the schema itself as JSON");
        }
    }
}
