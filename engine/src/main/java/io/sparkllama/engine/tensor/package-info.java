/**
 * Weight matrices: {@link io.sparkllama.engine.tensor.WeightMatrix} (rows times an activation
 * vector or a block of tokens, in one fixed order per output), the stored types ({@link
 * io.sparkllama.engine.tensor.WeightType}), how Q8_0/Q4_0 meet the activations ({@link
 * io.sparkllama.engine.settings.ActivationPrecision}), and how each type is repacked at load
 * ({@link io.sparkllama.engine.tensor.Repacking}). The implementations are laid out by role:
 * {@code stored} (views of the file), {@code packed} (copies made at load), {@code view}
 * (reordered or concatenated rows) and {@code kernel} (what they share).
 */
package io.sparkllama.engine.tensor;
