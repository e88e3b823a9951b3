/**
 * From logits to a token: log-softmax in a fixed reduction order, greedy (lowest id wins ties),
 * temperature, top-k and top-p sampling with per-request seeds, and the check that logits are
 * finite.
 */
package io.sparkllama.engine.sampling;
