package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PIQA from the publisher's {@code valid.jsonl} ({@code goal, sol1, sol2}) and the line-aligned
 * {@code valid-labels.lst} beside it, as lm-eval's {@code piqa}: context
 * {@code "Question: goal\nAnswer:"}, continuations {@code " " + sol1} and {@code " " + sol2}.
 */
public record PiqaTask(String name, Path file, Path labels) implements LoglikelihoodTask {
    /** The labels file is {@code <name>-labels.lst} beside {@code <name>.jsonl}. */
    public static PiqaTask of(String name, Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        return new PiqaTask(name, file, file.resolveSibling(base + "-labels.lst"));
    }

    @Override
    public MetricKind metricKind() {
        return MetricKind.MULTIPLE_CHOICE;
    }

    @Override
    public List<TaskDoc> read() {
        List<JsonNode> rows = TaskFiles.jsonLines(file);
        List<String> golds = TaskFiles.lines(labels).stream().filter(s -> !s.isBlank()).toList();
        if (golds.size() != rows.size()) {
            throw new TaskFormatException(labels + ": " + golds.size() + " labels for " + rows.size() + " items in " + file + ": they must be line-aligned");
        }
        List<TaskDoc> docs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            int line = i + 1;
            String context = "Question: " + TaskFiles.text(r, "goal", file, line) + "\nAnswer:";
            String s1 = TaskFiles.text(r, "sol1", file, line);
            String s2 = TaskFiles.text(r, "sol2", file, line);
            String g = golds.get(i).trim();
            if (!g.equals("0") && !g.equals("1")) {
                throw new TaskFormatException(labels + " line " + line + ": label must be 0 or 1, got '" + g + "'");
            }
            docs.add(new TaskDoc(String.valueOf(i), List.of(new ChoiceRequest(context, " " + s1, s1), new ChoiceRequest(context, " " + s2, s2)),
                    Integer.parseInt(g)));
        }
        return docs;
    }
}
