package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LAMBADA (OpenAI's detokenized JSON lines {@code {"text"}}) as lm-eval's {@code lambada_openai}:
 * context = the text up to its last space, target = {@code " " + last word}; acc = the target's
 * tokens are all greedy, perplexity = exp(-mean target logprob over items).
 */
public record LambadaTask(String name, Path file) implements LoglikelihoodTask {
    @Override
    public MetricKind metricKind() {
        return MetricKind.GREEDY_TARGET;
    }

    @Override
    public List<TaskDoc> read() {
        List<JsonNode> rows = TaskFiles.jsonLines(file);
        List<TaskDoc> docs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String text = TaskFiles.text(rows.get(i), "text", file, i + 1);
            int cut = text.lastIndexOf(' ');
            if (cut <= 0) {
                throw new TaskFormatException(file + " line " + (i + 1) + ": text has no space, so no last word to predict");
            }
            String word = text.substring(cut + 1);
            docs.add(new TaskDoc(String.valueOf(i), List.of(new ChoiceRequest(text.substring(0, cut), " " + word, word)), 0));
        }
        return docs;
    }
}
