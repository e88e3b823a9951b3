package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ARC-Easy / ARC-Challenge from Hugging Face {@code allenai/ai2_arc} JSON lines, as lm-eval's
 * {@code arc_easy}/{@code arc_challenge}: context {@code "Question: q\nAnswer:"}, continuation
 * {@code " " + choice}, gold = position of {@code answerKey} among {@code choices.label}.
 */
public record ArcTask(String name, Path file) implements LoglikelihoodTask {
    @Override
    public MetricKind metricKind() {
        return MetricKind.MULTIPLE_CHOICE;
    }

    @Override
    public List<TaskDoc> read() {
        List<JsonNode> rows = TaskFiles.jsonLines(file);
        List<TaskDoc> docs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            int line = i + 1;
            String question = TaskFiles.text(r, "question", file, line);
            JsonNode choices = r.get("choices");
            if (choices == null || !choices.isObject()) {
                throw new TaskFormatException(file + " line " + line + ": field 'choices' missing or not an object {text, label}");
            }
            List<String> texts = TaskFiles.texts(choices.get("text"), "choices.text", file, line);
            List<String> labels = TaskFiles.texts(choices.get("label"), "choices.label", file, line);
            String key = TaskFiles.text(r, "answerKey", file, line);
            int gold = labels.indexOf(key);
            if (gold < 0 || labels.size() != texts.size()) {
                throw new TaskFormatException(file + " line " + line + ": answerKey '" + key + "' is not one of the labels " + labels
                        + " (or labels and texts differ in number)");
            }
            String context = "Question: " + question + "\nAnswer:";
            List<ChoiceRequest> reqs = new ArrayList<>();
            for (String t : texts) {
                reqs.add(new ChoiceRequest(context, " " + t, t));
            }
            docs.add(new TaskDoc(r.has("id") ? r.get("id").asText() : String.valueOf(line), reqs, gold));
        }
        return docs;
    }
}
