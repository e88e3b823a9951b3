package io.sparkllama.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Seeded random weight bytes in a GGUF weight type, made fast enough for multi-gigabyte files:
 * every value is shaped from the bits of one {@code nextLong} with a mask, never a float
 * computation per weight. The values only need to be sane (finite, about {@code 1/sqrt(cols)}),
 * since speed does not depend on them.
 */
final class RandomTensorBytes {
    private final SplittableRandom rnd;

    RandomTensorBytes(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /**
     * Fills {@code buf[0, bytes)} with whole rows of {@code cols} random weights of {@code type}
     * and leaves it flipped for writing; its capacity must be {@code bytes} rounded up to 8.
     */
    void fill(ByteBuffer buf, int bytes, GgufWeightType type, int cols) {
        buf.clear();
        long[] maskOr = maskAndBits(type, cols);
        long mask = maskOr[0];
        long or = maskOr[1];
        int longs = (bytes + 7) / 8;
        for (int i = 0; i < longs; i++) {
            buf.putLong((rnd.nextLong() & mask) | or);
        }
        if (type.quantized()) {
            putBlockScales(buf, bytes, type, cols);
        }
        buf.position(0).limit(bytes);
    }

    /**
     * Per 64 bits: which random bits to keep and which to set. Floats keep sign and mantissa and
     * get a fixed exponent, so each lies in ±[2^e, 2^(e+1)) with 2^e about 1/sqrt(cols). Q8_0
     * quants are made odd, which keeps -128 out (llama.cpp's quantizer never writes it). Q4_0
     * nibbles are all valid as they come.
     */
    private static long[] maskAndBits(GgufWeightType type, int cols) {
        int e = Math.getExponent(1 / Math.sqrt(cols));
        return switch (type) {
            case F32 -> new long[] {0x807FFFFF_807FFFFFL, ((long) (127 + e) << 23) * 0x00000001_00000001L};
            case F16 -> new long[] {0x83FF_83FF_83FF_83FFL, ((long) (15 + e) << 10) * 0x0001_0001_0001_0001L};
            case Q8_0 -> new long[] {-1L, 0x0101_0101_0101_0101L};
            case Q4_0 -> new long[] {-1L, 0L};
        };
    }

    /** Overwrites the f16 scale at the head of every block: max |quant| x scale = 1/sqrt(cols). */
    private static void putBlockScales(ByteBuffer buf, int bytes, GgufWeightType type, int cols) {
        double maxQuant = type == GgufWeightType.Q8_0 ? 127 : 8;
        short scale = Float.floatToFloat16((float) (1 / (maxQuant * Math.sqrt(cols))));
        int blockBytes = type.storage.blockBytes;
        for (int at = 0; at < bytes; at += blockBytes) {
            buf.putShort(at, scale);
        }
    }
}
