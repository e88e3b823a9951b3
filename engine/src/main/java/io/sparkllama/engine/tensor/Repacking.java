package io.sparkllama.engine.tensor;

import io.sparkllama.engine.settings.ActivationPrecision;

/**
 * How the forward pass lays a weight matrix out at load, as each stored type says of itself
 * ({@link WeightType#repacking()}; repacked copies and concatenations say otherwise through
 * {@link WeightMatrix#repacking()}); {@link WeightMatrix#forForwardPass} acts on it.
 */
public enum Repacking {
    /** Multiplied as it is: half precision, k-quants, and copies already repacked. */
    NONE,
    /** fp32 rows, copied into row panels at load whatever the activations ({@code PackedF32Matrix}). */
    F32_PANELS,
    /** Q8_0/Q4_0 blocks in ggml's layout: int8 panels under {@link ActivationPrecision#INT8}, else as they are ({@code Int8PanelMatrix}). */
    INT8_PANELS
}
