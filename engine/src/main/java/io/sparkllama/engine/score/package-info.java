/**
 * Scoring: teacher-forced per-token logprobs ({@link io.sparkllama.engine.score.Scorer}), rolling
 * windows past the context, continuation loglikelihood with lm-evaluation-harness semantics, and
 * the perplexity methods of llama.cpp and lm-evaluation-harness.
 */
package io.sparkllama.engine.score;
