package io.sparkllama.engine.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware corruptions of a binary file: known header fields set to boundary values (0, -1,
 * 2^31, 2^63, off by one, doubled), header floats set to NaN, infinity, 0 or extremes, checked
 * weights set to NaN, infinity or ordinary values, plus byte flips inside the header and truncations anywhere. Each seed gives one mutant, the same on every run.
 */
final class FieldMutator {
    private static final long[] BOUNDARY = {0, 1, -1, 2, 3, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFFL, 0x80000000L,
            0xFFFFFFFFL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final float[] FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -1f, 1e38f,
            1e-38f, Float.MIN_VALUE};
    /** Non-finite values the load check must find, and ordinary ones a model must still serve with. */
    private static final float[] WEIGHTS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 1f, -2.5f};

    private final byte[] original;
    private final List<HeaderField> fields;
    private final int headerEnd;

    /** @param headerEnd byte flips land in {@code [0, headerEnd)}; field edits wherever the fields are */
    FieldMutator(byte[] original, List<HeaderField> fields, int headerEnd) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("no fields to mutate");
        }
        this.original = original;
        this.fields = List.copyOf(fields);
        this.headerEnd = Math.min(headerEnd, original.length);
    }

    byte[] mutate(long seed) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        byte[] b = original.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int kind = rnd.nextInt(10);
            if (kind < 7) {
                setField(b, fields.get(rnd.nextInt(fields.size())), rnd);
            } else if (kind < 9) {
                int at = rnd.nextInt(headerEnd);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
            } else {
                return Arrays.copyOf(b, rnd.nextInt(original.length));
            }
        }
        return b;
    }

    private static void setField(byte[] b, HeaderField f, Random rnd) {
        if (f.kind() != HeaderField.Kind.INTEGER) {
            float[] values = f.kind() == HeaderField.Kind.FLOAT ? FLOATS : WEIGHTS;
            float v = values[rnd.nextInt(values.length)];
            long bits = switch (f.width()) {
                case 2 -> Float.floatToFloat16(v);
                case 4 -> Float.floatToRawIntBits(v);
                default -> Double.doubleToRawLongBits(v);
            };
            write(b, f.offset(), bits, f.width());
            return;
        }
        long old = read(b, f.offset(), f.width());
        long v = switch (rnd.nextInt(4)) {
            case 0 -> old + (rnd.nextBoolean() ? 1 : -1);
            case 1 -> old * 2;
            default -> BOUNDARY[rnd.nextInt(BOUNDARY.length)];
        };
        write(b, f.offset(), v, f.width());
    }

    static long read(byte[] b, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    static void write(byte[] b, int at, long v, int width) {
        for (int i = 0; i < width && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
