package io.sparkllama.datasets.tasks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One item's result: which choice won by summed logprob (acc), by logprob per character of the
 * answer text (acc_norm: lm-eval divides by {@code len(choice)}, Python's count of code points),
 * and by logprob per UTF-8 byte (lm-eval's acc_bytes). Ties go to the lowest index, as numpy's
 * argmax does.
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

    /** The winner by logprob per character (code point) of the answer. */
    public int predictedNorm() {
        return predictedPer(false);
    }

    /** The winner by logprob per UTF-8 byte of the answer. */
    public int predictedBytes() {
        return predictedPer(true);
    }

    private int predictedPer(boolean bytes) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.size(); i++) {
            String text = doc.choices().get(i).choiceText();
            int length = bytes ? text.getBytes(StandardCharsets.UTF_8).length : text.codePointCount(0, text.length());
            double v = scores.get(i).logprob() / Math.max(1, length);
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

    public double accBytes() {
        return predictedBytes() == doc.gold() ? 1 : 0;
    }
}
