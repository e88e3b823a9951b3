package io.sparkllama.datasets.tasks;

import java.io.Serializable;
import java.util.List;

/** One item of a generation task: a prompt, the expected answer, stop sequences, a token budget. */
public record GenerationDoc(String id, String prompt, String answer, List<String> stop, int maxTokens) implements Serializable {
    /** The completion cut at the earliest stop sequence (the stop itself excluded). */
    public String cut(String completion) {
        int end = completion.length();
        for (String s : stop) {
            int at = completion.indexOf(s);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return completion.substring(0, end);
    }

    /** Exact match after cutting at a stop and trimming surrounding whitespace on both sides. */
    public boolean matches(String completion) {
        return cut(completion).strip().equals(answer.strip());
    }
}
