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
 * Q8_0 weights in {@link Int8PanelMatrix} panels. Decode multiplies in 16-bit lanes: a product of
 * an int8 weight and a quantized activation (|q| <= 127) fits, and so does the sum of two, which
 * is then widened to 32 bits; 1.3x the fp32-widening kernel at 2048x2048.
 */
final class Q8_0PanelMatrix extends Int8PanelMatrix {
    Q8_0PanelMatrix(MemorySegment packed, int rows, int cols) {
        super(packed, rows, cols, WeightType.Q8_0);
    }

    @Override
    int value(int row, int b, int j) {
        return data.get(ValueLayout.JAVA_BYTE, valuesAt(row / PANEL, b) + (long) j * PANEL + row % PANEL);
    }

    @Override
    void unpack(int p, int b, float[] w) {
        long at = valuesAt(p, b);
        for (int j = 0; j < QK; j++) {
            long o = at + (long) j * PANEL;
            ((FloatVector) KernelSpecies.bytes(data, o)
                    .convertShape(VectorOperators.B2F, S, 0)).intoArray(w, j * PANEL);
            ((FloatVector) KernelSpecies.bytes(data, o + L)
                    .convertShape(VectorOperators.B2F, S, 0)).intoArray(w, j * PANEL + L);
        }
    }

    @Override
    void panelDot(int p, Q8Activations a, float[] out, int outOff) {
        FloatVector f0 = FloatVector.zero(S), f1 = f0;
        short[] q = a.q;
        for (int b = 0; b < blocks; b++) {
            long at = valuesAt(p, b);
            int x = b * QK;
            IntVector i0 = IntVector.zero(INTS), i1 = i0;
            for (int j = 0; j < QK; j += 2) {
                ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, at + (long) j * PANEL, NATIVE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, at + (long) (j + 1) * PANEL, NATIVE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                ShortVector pair = w0.mul(q[x + j]).add(w1.mul(q[x + j + 1]));
                i0 = i0.add((IntVector) pair.convertShape(VectorOperators.S2I, INTS, 0));
                i1 = i1.add((IntVector) pair.convertShape(VectorOperators.S2I, INTS, 1));
            }
            long scales = blockAt(p, b);
            float d = a.scale2p112[b];
            f0 = rowScales(scales, 0).mul(d)
                    .fma((FloatVector) i0.convert(VectorOperators.I2F, 0), f0);
            f1 = rowScales(scales, 1).mul(d)
                    .fma((FloatVector) i1.convert(VectorOperators.I2F, 0), f1);
        }
        f0.intoArray(out, outOff);
        f1.intoArray(out, outOff + L);
    }
}
