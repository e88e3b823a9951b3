package io.sparkllama.datasets.tasks;

import java.util.List;

/**
 * One item of a loglikelihood task: a request per answer, the gold answer's index, and the text
 * the item contributes when it is a few-shot example (context and gold continuation).
 */
public record TaskDoc(String id, List<ChoiceRequest> choices, int gold) {
    public TaskDoc {
        if (gold < 0 || gold >= choices.size()) {
            throw new TaskFormatException("item " + id + ": gold index " + gold + " outside its " + choices.size() + " choices");
        }
    }

    /** The item as a solved example: lm-eval puts this before the question, examples joined by a blank line. */
    public String asExample() {
        ChoiceRequest g = choices.get(gold);
        return g.context() + g.continuation();
    }
}
