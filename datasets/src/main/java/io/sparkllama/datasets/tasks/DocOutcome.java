package io.sparkllama.datasets.tasks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One item's result: which choice won by summed logprob (acc) and by logprob per UTF-8 byte of the
 * answer text (acc_norm; lm-eval divides by {@code len(choice)}, the same for ASCII text).
 * Ties go to the lowest index, as numpy's argmax does.
 */
public record DocOutcome(TaskDoc doc, List<ChoiceScore> scores) {
    public int predicted() {
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i).logprob() > scores.get(best).logprob()) {
                best = i;
            }
        }
        return best;
    }

    public int predictedNorm() {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.size(); i++) {
            int bytes = doc.choices().get(i).choiceText().getBytes(StandardCharsets.UTF_8).length;
            double v = scores.get(i).logprob() / Math.max(1, bytes);
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    public double acc() {
        return predicted() == doc.gold() ? 1 : 0;
    }

    public double accNorm() {
        return predictedNorm() == doc.gold() ? 1 : 0;
    }
}
