package io.sparkllama.engine.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Corruptions of a {@code .safetensors} file: its JSON header mutated value by value (dtypes,
 * shapes, data_offsets) and written back with a matching length prefix, or the length prefix itself
 * set to a boundary value, a tensor's first value made non-finite (F32 files), or the file truncated.
 */
final class SafetensorsMutator {
    private final byte[] original;
    private final JsonMutator header;
    private final byte[] data;
    /** File offsets of every tensor's first value (which the load check reads). */
    private final int[] tensorStarts;

    SafetensorsMutator(byte[] original) {
        this.original = original;
        int headerLen = (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        this.header = new JsonMutator(Arrays.copyOfRange(original, 8, 8 + headerLen));
        this.data = Arrays.copyOfRange(original, 8 + headerLen, original.length);
        this.tensorStarts = tensorStarts(Arrays.copyOfRange(original, 8, 8 + headerLen), 8 + headerLen);
    }

    private static int[] tensorStarts(byte[] header, int dataStart) {
        try {
            List<Integer> out = new ArrayList<>();
            new ObjectMapper().readTree(header).fields().forEachRemaining(e -> {
                if (e.getValue().has("data_offsets")) {
                    out.add(dataStart + e.getValue().get("data_offsets").get(0).asInt());
                }
            });
            return out.stream().mapToInt(Integer::intValue).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] mutate(long seed) {
        Random rnd = new Random(seed * 31 + 7);
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            byte[] b = original.clone();
            long[] lengths = {0, 1, 2, -1, 1L << 31, 1L << 62, Long.MIN_VALUE, original.length, original.length - 7};
            FieldMutator.write(b, 0, lengths[rnd.nextInt(lengths.length)], 8);
            return b;
        }
        if (kind == 1) {
            return Arrays.copyOf(original, rnd.nextInt(original.length));
        }
        if (kind == 2) {
            byte[] b = original.clone();
            float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            FieldMutator.write(b, tensorStarts[rnd.nextInt(tensorStarts.length)], Float.floatToRawIntBits(bad[rnd.nextInt(3)]), 4);
            return b;
        }
        byte[] h = header.mutate(seed);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data);
        return out.array();
    }
}
