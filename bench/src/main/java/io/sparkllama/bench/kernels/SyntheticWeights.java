package io.sparkllama.bench.kernels;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Seeded random weight matrices in each stored type, in 64-byte-aligned native memory like a
 * mapped model file. Floats are Gaussian; quantized blocks are random bits (every quant value
 * occurs) with small positive fp16 scales, so no value is NaN, infinite or subnormal, which would
 * time a slow path the real models never take.
 */
public final class SyntheticWeights {
    /** Offsets of the fp16 scales in a block, per ggml's layouts. */
    private static final int[] Q_0_SCALES = {0};
    private static final int[] Q4_K_SCALES = {0, 2};   // d, dmin
    private static final int[] Q6_K_SCALES = {208};    // d after ql, qh and the int8 sub-scales

    private SyntheticWeights() {
    }

    /** A {@code type} matrix of {@code shape}, its bytes allocated in {@code arena}. */
    public static WeightMatrix matrix(WeightType type, MatrixShape shape, Arena arena, long seed, ActivationPrecision precision) {
        Random rnd = new Random(seed);
        int rowBytes = (int) type.byteSize(shape.cols());
        MemorySegment data = arena.allocate((long) rowBytes * shape.rows(), 64);
        ByteBuffer row = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < shape.rows(); r++) {
            fillRow(type, row, rnd);
            MemorySegment.copy(MemorySegment.ofArray(row.array()), 0, data, (long) r * rowBytes, rowBytes);
        }
        // As the forward pass uses it: fp32 repacked into panels, Q8_0/Q4_0 into int8 panels under INT8.
        return type.matrix(data, shape.rows(), shape.cols()).forForwardPass(precision);
    }

    /** Seeded Gaussian activations, as the kernels' {@code float[]} input. */
    public static float[] activations(int length, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    private static void fillRow(WeightType type, ByteBuffer row, Random rnd) {
        switch (type) {
            case F32 -> fillFloats(row, rnd);
            case F16 -> fillHalves(row, rnd);
            case BF16 -> fillBFloats(row, rnd);
            case Q8_0, Q4_0 -> fillBlocks(row, type.blockBytes, Q_0_SCALES, 0.05f, rnd);
            case Q4_K -> fillBlocks(row, type.blockBytes, Q4_K_SCALES, 0.01f, rnd);
            case Q6_K -> fillBlocks(row, type.blockBytes, Q6_K_SCALES, 0.001f, rnd);
        }
    }

    private static void fillFloats(ByteBuffer row, Random rnd) {
        for (int o = 0; o < row.capacity(); o += Float.BYTES) {
            row.putFloat(o, (float) rnd.nextGaussian());
        }
    }

    private static void fillHalves(ByteBuffer row, Random rnd) {
        for (int o = 0; o < row.capacity(); o += Short.BYTES) {
            row.putShort(o, Float.floatToFloat16((float) rnd.nextGaussian()));
        }
    }

    private static void fillBFloats(ByteBuffer row, Random rnd) {
        for (int o = 0; o < row.capacity(); o += Short.BYTES) {
            row.putShort(o, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
        }
    }

    private static void fillBlocks(ByteBuffer row, int blockBytes, int[] scaleOffsets, float maxScale, Random rnd) {
        rnd.nextBytes(row.array());
        for (int block = 0; block < row.capacity(); block += blockBytes) {
            for (int offset : scaleOffsets) {
                row.putShort(block + offset, Float.floatToFloat16(maxScale * (0.02f + rnd.nextFloat())));
            }
        }
    }

}
