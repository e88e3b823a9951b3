/**
 * Scoring (API): requests and results ({@link io.sparkllama.engine.score.ScoringRequest}, {@link
 * io.sparkllama.engine.score.ScoreResult}, {@link io.sparkllama.engine.score.SequenceScore},
 * {@link io.sparkllama.engine.score.LoglikelihoodResult}, {@link
 * io.sparkllama.engine.score.PerplexityResult}) and the scorers a session hands out:
 * teacher-forced per-token logprobs ({@link io.sparkllama.engine.score.Scorer}), packed steps of
 * many sequences sharing prefixes ({@link io.sparkllama.engine.score.PackedScorer}) and
 * continuation loglikelihood with lm-evaluation-harness semantics ({@link
 * io.sparkllama.engine.score.Loglikelihood}). Rolling windows and the perplexity methods, which
 * run on a session, are in the root package.
 */
package io.sparkllama.engine.score;
