package io.sparkllama.engine.settings;

import java.util.Locale;

/**
 * How Q8_0 and Q4_0 weights meet the activations; every other weight type always multiplies in
 * fp32.
 */
public enum ActivationPrecision {
    /**
     * Weights dequantized to fp32 times fp32 activations: the numbers of run.c on the dequantized
     * weights (the {@code *-dequant} goldens).
     */
    FP32,
    /**
     * Activations quantized to 8 bits per block of 32 (llama.cpp's Q8_0 scheme), whole-block
     * integer dot products, one fp32 scale product per block: llama.cpp's numbers, and about
     * twice as fast in decode. Results differ from {@link #FP32} by a few hundredths in logprob.
     */
    INT8;

    /** The name settings and outputs use: {@code int8} or {@code fp32}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision whose {@link #label} is {@code value} exactly; null for anything else. */
    public static ActivationPrecision ofLabel(String value) {
        for (ActivationPrecision p : values()) {
            if (p.label().equals(value)) {
                return p;
            }
        }
        return null;
    }

    /** Parses a command-line value ({@code int8} or {@code fp32}, any case). */
    public static ActivationPrecision parse(String value, String option) {
        for (ActivationPrecision p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(option + " must be int8 or fp32, not '" + value + "'");
    }
}
