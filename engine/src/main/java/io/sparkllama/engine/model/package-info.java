/**
 * The Llama model: {@link io.sparkllama.engine.model.Transformer#forward(int, int,
 * io.sparkllama.engine.model.ForwardState)} reads top to bottom in llama2.c {@code run.c}'s
 * order; the weights by layer, the configuration, RoPE tables, the paged off-heap KV cache and
 * its block pool, the per-caller scratch state and the parallel matrix products and attention the
 * forward pass dispatches.
 */
package io.sparkllama.engine.model;
