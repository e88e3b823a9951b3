package io.sparkllama.datasets.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HellaSwag in llama.cpp's {@code --hellaswag} text format: 6 lines per item (the context
 * {@code "activity_label: ctx"}, the gold ending 0-3, four endings). Each ending is scored as
 * {@code " " + ending} after the context, as lm-eval's {@code hellaswag} does. Differences from
 * lm-eval: the file's context is {@code ctx} as is, while lm-eval capitalizes the first letter of
 * {@code ctx_b}; llama.cpp already removed the {@code [header]}/{@code [title]}/{@code [step]}
 * tags that lm-eval's preprocessing removes.
 */
public record HellaswagTask(String name, Path file) implements LoglikelihoodTask {
    private static final int LINES_PER_ITEM = 6;

    @Override
    public MetricKind metricKind() {
        return MetricKind.MULTIPLE_CHOICE;
    }

    @Override
    public List<TaskDoc> read() {
        List<String> lines = TaskFiles.lines(file);
        // A trailing newline leaves no extra line; anything else must be whole items.
        if (lines.size() % LINES_PER_ITEM != 0) {
            throw new TaskFormatException(file + ": " + lines.size() + " lines is not a multiple of 6 (context, gold, four endings per item)");
        }
        List<TaskDoc> docs = new ArrayList<>();
        for (int at = 0; at < lines.size(); at += LINES_PER_ITEM) {
            String context = lines.get(at);
            String g = lines.get(at + 1).trim();
            int gold;
            try {
                gold = Integer.parseInt(g);
            } catch (NumberFormatException e) {
                throw new TaskFormatException(file + " line " + (at + 2) + ": gold ending must be 0-3, got '" + g + "'");
            }
            List<ChoiceRequest> reqs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                String ending = lines.get(at + 2 + k);
                reqs.add(new ChoiceRequest(context, " " + ending, ending));
            }
            docs.add(new TaskDoc(String.valueOf(at / LINES_PER_ITEM), reqs, gold));
        }
        return docs;
    }
}
