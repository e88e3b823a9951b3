/**
 * Kernels the weight types and the forward pass share: the canonical 16-lane reduction order
 * ({@link io.sparkllama.engine.tensor.kernel.LaneSum}) that keeps results bit-identical at 128,
 * 256 and 512 bits, RMSNorm, softmax and attention loops, vector exp and SwiGLU, the dequantizing
 * register blocks, int8 activations, per-thread scratch and the vector species the kernels use.
 */
package io.sparkllama.engine.tensor.kernel;
