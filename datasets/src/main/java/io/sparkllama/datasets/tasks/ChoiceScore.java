package io.sparkllama.datasets.tasks;

/** The model's answer to one {@link ChoiceRequest}: summed logprob, all-greedy flag, tokens. */
public record ChoiceScore(double logprob, boolean greedy, int tokens) {
}
