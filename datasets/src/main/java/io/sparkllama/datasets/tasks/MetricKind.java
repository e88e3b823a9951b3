package io.sparkllama.datasets.tasks;

/** How a loglikelihood task turns per-choice scores into metrics (as lm-evaluation-harness does). */
public enum MetricKind {
    /** acc and acc_norm: argmax of summed logprob, and of logprob per byte of the answer. */
    MULTIPLE_CHOICE,
    /** acc only (WinoGrande's partial scoring: the continuation is the same for every choice). */
    MULTIPLE_CHOICE_ACC,
    /** One continuation: acc = greedy match of every target token, perplexity = exp(-mean logprob). */
    GREEDY_TARGET
}
