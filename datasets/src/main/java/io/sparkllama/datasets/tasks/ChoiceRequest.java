package io.sparkllama.datasets.tasks;

import java.io.Serializable;

/**
 * One loglikelihood request of a task item: score {@code continuation} after {@code context}.
 *
 * @param choiceText the answer's own text, whose length normalizes acc_norm (characters) and acc_bytes (UTF-8 bytes)
 */
public record ChoiceRequest(String context, String continuation, String choiceText) implements Serializable {
}
