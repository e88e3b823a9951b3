package io.sparkllama.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutable fields of a valid GGUF file, found by walking its header: the counts, every key's
 * length and type, integer and float metadata values, array element types and lengths (and the
 * first elements), every tensor info's name length, n_dims, dims, type and offset; and the first
 * value of every tensor's data (a norm's first weight, a matrix's first row), which the load
 * check must find when it is not finite.
 */
final class GgufFieldMap {
    private static final int ELEMENTS_PER_ARRAY = 4;

    private final ByteBuffer buf;
    private final List<HeaderField> fields = new ArrayList<>();
    private long alignment = 32;
    private int headerEnd;

    private GgufFieldMap(byte[] file) {
        this.buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The fields of {@code file}, a GGUF file the engine reads. */
    static GgufFieldMap of(byte[] file) {
        GgufFieldMap m = new GgufFieldMap(file);
        m.walk();
        return m;
    }

    List<HeaderField> fields() {
        return fields;
    }

    /** End of the tensor infos. */
    int headerEnd() {
        return headerEnd;
    }

    private void walk() {
        buf.position(4);
        integer(4);                      // version
        long tensors = integer(8);
        long kvs = integer(8);
        for (long i = 0; i < kvs; i++) {
            String key = string();
            int type = (int) integer(4);
            long v = value(type, true);
            if (key.equals("general.alignment")) {
                alignment = v;
            }
        }
        List<long[]> data = new ArrayList<>();   // {offset, type}
        for (long i = 0; i < tensors; i++) {
            string();
            int nDims = (int) integer(4);
            for (int d = 0; d < nDims; d++) {
                integer(8);
            }
            int type = (int) integer(4);
            long offset = integer(8);
            data.add(new long[] {offset, type});
        }
        headerEnd = buf.position();
        long dataStart = (headerEnd + alignment - 1) / alignment * alignment;
        for (long[] t : data) {
            long at = dataStart + t[0];
            if (t[1] == 0) {
                fields.add(HeaderField.weight(at, 4));       // F32
            } else if (t[1] == 1 || t[1] == 2 || t[1] == 8) {
                fields.add(HeaderField.weight(at, 2));       // F16; Q4_0 and Q8_0 blocks start with their fp16 scale
            }
        }
    }

    /** Reads a scalar or array of GGUF value type {@code type}, recording integer and float fields; returns an integer value. */
    private long value(int type, boolean record) {
        return switch (type) {
            case 0, 1 -> read(1, record);
            case 2, 3 -> read(2, record);
            case 4, 5 -> read(4, record);
            case 10, 11 -> read(8, record);
            case 6 -> readFloat(4, record);
            case 12 -> readFloat(8, record);
            case 7 -> read(1, false);
            case 8 -> {
                stringAt(record);
                yield 0;
            }
            case 9 -> {
                int elementType = (int) integer(4);
                long n = integer(8);
                for (long i = 0; i < n; i++) {
                    value(elementType, record && i < ELEMENTS_PER_ARRAY);
                }
                yield 0;
            }
            default -> throw new IllegalStateException("GGUF value type " + type);
        };
    }

    private long read(int width, boolean record) {
        if (record) {
            fields.add(HeaderField.integer(buf.position(), width));
        }
        long v = 0;
        for (int i = 0; i < width; i++) {
            v |= (long) (buf.get() & 0xFF) << (8 * i);
        }
        return v;
    }

    private long readFloat(int width, boolean record) {
        if (record) {
            fields.add(HeaderField.floating(buf.position(), width));
        }
        buf.position(buf.position() + width);
        return 0;
    }

    private long integer(int width) {
        return read(width, true);
    }

    private String string() {
        return stringAt(true);
    }

    private String stringAt(boolean record) {
        long len = read(8, record);
        byte[] b = new byte[(int) len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
