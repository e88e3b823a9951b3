package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WinoGrande as MosaicML LLM Foundry ships it ({@code context_options}, {@code continuation},
 * {@code gold}), scored as lm-eval's {@code winogrande} (partial scoring): the same continuation
 * {@code " " + continuation} after each filled-in context; acc only. LLM Foundry's pieces are
 * lm-eval's: {@code sentence[:idx] + option} and {@code sentence[idx+1:].strip()}.
 */
public record WinograndeTask(String name, Path file) implements LoglikelihoodTask {
    @Override
    public MetricKind metricKind() {
        return MetricKind.MULTIPLE_CHOICE_ACC;
    }

    @Override
    public List<TaskDoc> read() {
        List<JsonNode> rows = TaskFiles.jsonLines(file);
        List<TaskDoc> docs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            int line = i + 1;
            List<String> contexts = TaskFiles.texts(r.get("context_options"), "context_options", file, line);
            String cont = TaskFiles.text(r, "continuation", file, line);
            JsonNode gold = r.get("gold");
            if (gold == null || !gold.canConvertToInt()) {
                throw new TaskFormatException(file + " line " + line + ": field 'gold' missing or not an integer");
            }
            List<ChoiceRequest> reqs = new ArrayList<>();
            for (String c : contexts) {
                reqs.add(new ChoiceRequest(c, " " + cont, cont));
            }
            docs.add(new TaskDoc(String.valueOf(i), reqs, gold.asInt()));
        }
        return docs;
    }
}
