/**
 * Weights copied at load into the layout the forward pass multiplies fastest: fp32 in row panels
 * ({@link io.sparkllama.engine.tensor.packed.PackedF32Matrix}) and Q8_0/Q4_0 in int8 panels for
 * 8-bit activations ({@link io.sparkllama.engine.tensor.packed.Int8PanelMatrix}); one lane per
 * row, so no lane sums.
 */
package io.sparkllama.engine.tensor.packed;
