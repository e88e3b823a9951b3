package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.JobConfigException;
import io.sparkllama.jobs.PerplexityJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The perplexity command on a Q8_0 GGUF: int8 activations (the default) give llama.cpp's
 * figure, {@code --activations fp32} run.c's on the dequantized weights; both are reported.
 */
class PerplexityJobTest {
    @Test
    void activationsOptionGivesLlamaCppOrDequantizedFigures() {
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        Path model = TestSpark.requireShared("models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf");

        ObjectNode int8 = run(text, model);
        ObjectNode fp32 = run(text, model, "--activations", "fp32");
        // ../shared/README.md: llama-perplexity -c 128 gives 10.7777; run.c on the dequantized
        // weights 10.78191. Ours: 10.7781 (int8) and 10.78191 (fp32).
        assertEquals(10.7777, int8.get("perplexity").asDouble(), 10.7777 * 1e-4);
        assertEquals(10.78191, fp32.get("perplexity").asDouble(), 1e-4);
        assertEquals("int8", int8.get("activations").asText());
        assertEquals("fp32", fp32.get("activations").asText());
        assertEquals(int8.get("n_scored").asInt(), fp32.get("n_scored").asInt());

        JobConfigException wrong = assertThrows(JobConfigException.class, () -> run(text, model, "--activations", "int4"));
        assertEquals("perplexity: --activations must be int8 or fp32, got 'int4'", wrong.getMessage());
    }

    private static ObjectNode run(Path text, Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("perplexity", "--input", text.toString(), "--model", model.toString(), "--ctx", "128"));
        args.addAll(List.of(more));
        JobArguments a = JobArguments.parse("perplexity", args.toArray(String[]::new), 1, PerplexityJob.OPTIONS, Set.of("json"));
        return PerplexityJob.run(PerplexityJob.Config.from(a));
    }
}
