package io.sparkllama.engine.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Scalar dequantization written straight from ggml's block definitions, to check the vector kernels against. */
public final class ReferenceDequant {
    private ReferenceDequant() {
    }

    public static float[] row(WeightType type, byte[] data, int row, int cols) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] y = new float[cols];
        int rowBytes = (int) type.byteSize(cols);
        int base = row * rowBytes;
        switch (type) {
            case F32 -> {
                for (int i = 0; i < cols; i++) {
                    y[i] = b.getFloat(base + 4 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    y[i] = Float.float16ToFloat(b.getShort(base + 2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    y[i] = Float.intBitsToFloat((b.getShort(base + 2 * i) & 0xFFFF) << 16);
                }
            }
            case Q8_0 -> {
                for (int blk = 0; blk < cols / 32; blk++) {
                    int o = base + blk * 34;
                    float d = Float.float16ToFloat(b.getShort(o));
                    for (int j = 0; j < 32; j++) {
                        y[blk * 32 + j] = b.get(o + 2 + j) * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int blk = 0; blk < cols / 32; blk++) {
                    int o = base + blk * 18;
                    float d = Float.float16ToFloat(b.getShort(o));
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(o + 2 + j) & 0xFF;
                        y[blk * 32 + j] = ((q & 0xF) - 8) * d;
                        y[blk * 32 + j + 16] = ((q >> 4) - 8) * d;
                    }
                }
            }
            case Q4_K -> {
                for (int blk = 0; blk < cols / 256; blk++) {
                    int o = base + blk * 144;
                    float d = Float.float16ToFloat(b.getShort(o));
                    float min = Float.float16ToFloat(b.getShort(o + 2));
                    int[] sc = new int[12];
                    for (int i = 0; i < 12; i++) {
                        sc[i] = b.get(o + 4 + i) & 0xFF;
                    }
                    int out = blk * 256;
                    int q = o + 16;
                    for (int j = 0, is = 0; j < 256; j += 64, is += 2, q += 32) {
                        float d1 = d * scale(sc, is), m1 = min * min(sc, is);
                        float d2 = d * scale(sc, is + 1), m2 = min * min(sc, is + 1);
                        for (int l = 0; l < 32; l++) {
                            y[out++] = d1 * (b.get(q + l) & 0xF) - m1;
                        }
                        for (int l = 0; l < 32; l++) {
                            y[out++] = d2 * ((b.get(q + l) & 0xFF) >> 4) - m2;
                        }
                    }
                }
            }
            case Q6_K -> {
                for (int blk = 0; blk < cols / 256; blk++) {
                    int o = base + blk * 210;
                    float d = Float.float16ToFloat(b.getShort(o + 208));
                    int ql = o;
                    int qh = o + 128;
                    int sc = o + 192;
                    int out = blk * 256;
                    for (int n = 0; n < 256; n += 128) {
                        for (int l = 0; l < 32; l++) {
                            int is = l / 16;
                            int h = b.get(qh + l) & 0xFF;
                            int q1 = ((b.get(ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                            int q2 = ((b.get(ql + l + 32) & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                            int q3 = (((b.get(ql + l) & 0xFF) >> 4) | (((h >> 4) & 3) << 4)) - 32;
                            int q4 = (((b.get(ql + l + 32) & 0xFF) >> 4) | (((h >> 6) & 3) << 4)) - 32;
                            y[out + l] = d * b.get(sc + is) * q1;
                            y[out + l + 32] = d * b.get(sc + is + 2) * q2;
                            y[out + l + 64] = d * b.get(sc + is + 4) * q3;
                            y[out + l + 96] = d * b.get(sc + is + 6) * q4;
                        }
                        out += 128;
                        ql += 64;
                        qh += 32;
                        sc += 8;
                    }
                }
            }
        }
        return y;
    }

    private static int scale(int[] q, int j) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    }

    private static int min(int[] q, int j) {
        return j < 4 ? q[j + 4] & 63 : (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}
