/**
 * Weight matrices in the type the file stores them (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K), read
 * in place from the mapped file and dequantized inside their dot products; their
 * {@link io.sparkllama.engine.tensor.WeightType} says how the forward pass repacks them at load.
 */
package io.sparkllama.engine.tensor.stored;
