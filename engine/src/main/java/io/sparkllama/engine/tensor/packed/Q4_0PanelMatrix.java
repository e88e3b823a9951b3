package io.sparkllama.engine.tensor.packed;

import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.Q8Activations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights in {@link Int8PanelMatrix} panels; stored byte j of a block holds value j in its low
 * nibble and value j+16 in its high one, each {@code nibble - 8}. Decode multiplies raw nibbles
 * (0..15) by the quantized activations in 16-bit lanes, one sum for the low and one for the high
 * nibbles (16 products of at most 15 x 127 each fit), and subtracts {@code 8 * sum q} once per
 * block: the wrapped 16-bit result is exact, since the true block sum is at most 32 x 8 x 127.
 * 2x the fp32-widening kernel at 2048x2048.
 */
final class Q4_0PanelMatrix extends Int8PanelMatrix {
    Q4_0PanelMatrix(MemorySegment packed, int rows, int cols) {
        super(packed, rows, cols, WeightType.Q4_0);
    }

    @Override
    int value(int row, int b, int j) {
        int stored = data.get(ValueLayout.JAVA_BYTE, valuesAt(row / PANEL, b) + (long) (j & 15) * PANEL + row % PANEL);
        return (j < 16 ? stored & 15 : (stored >> 4) & 15) - 8;
    }

    @Override
    void unpack(int p, int b, float[] w) {
        long at = valuesAt(p, b);
        for (int j = 0; j < QK / 2; j++) {
            for (int half = 0; half < 2; half++) {
                ByteVector v = KernelSpecies.bytes(data, at + (long) j * PANEL + half * L);
                ((FloatVector) v.and((byte) 15).sub((byte) 8).convertShape(VectorOperators.B2F, S, 0))
                        .intoArray(w, j * PANEL + half * L);
                ((FloatVector) v.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, S, 0))
                        .intoArray(w, (j + 16) * PANEL + half * L);
            }
        }
    }

    @Override
    void panelDot(int p, Q8Activations a, float[] out, int outOff) {
        FloatVector f0 = FloatVector.zero(S), f1 = f0;
        short[] q = a.q;
        for (int b = 0; b < blocks; b++) {
            long at = valuesAt(p, b);
            int x = b * QK;
            ShortVector lo = ShortVector.zero(SHORTS), hi = lo;
            for (int j = 0; j < QK / 2; j++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, at + (long) j * PANEL, NATIVE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                lo = v.and((short) 15).mul(q[x + j]).add(lo);
                hi = v.lanewise(VectorOperators.LSHR, 4).mul(q[x + j + 16]).add(hi);
            }
            ShortVector sum = lo.add(hi).sub(a.eightSums[b]);
            long scales = blockAt(p, b);
            float d = a.scale2p112[b];
            f0 = rowScales(scales, 0).mul(d)
                    .fma((FloatVector) ((IntVector) sum.convertShape(VectorOperators.S2I, INTS, 0)).convert(VectorOperators.I2F, 0), f0);
            f1 = rowScales(scales, 1).mul(d)
                    .fma((FloatVector) ((IntVector) sum.convertShape(VectorOperators.S2I, INTS, 1)).convert(VectorOperators.I2F, 0), f1);
        }
        f0.intoArray(out, outOff);
        f1.intoArray(out, outOff + L);
    }
}
