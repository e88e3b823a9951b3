package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.format.MappedFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a GGUF header front to back. Every count and length is checked against the bytes left in
 * the file before anything is allocated, so a hostile header fails with a message, never an
 * OutOfMemoryError.
 */
final class GgufParser {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Smallest encodings: a key/value (key length, type, a 1-byte value), a tensor info (name length, n_dims, type, offset). */
    private static final long MIN_KV_BYTES = 8 + 4 + 1;
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
    private static final int MAX_DIMS = 4;
    private static final int DEFAULT_ALIGNMENT = 32;

    private final MappedFile file;
    private final Path path;
    private final MemorySegment seg;
    private final long size;
    private long pos;

    GgufParser(MappedFile file) {
        this.file = file;
        this.path = file.path();
        this.seg = file.segment();
        this.size = seg.byteSize();
    }

    GgufFile parse() {
        need(4, "magic");
        int magic = seg.get(INT, 0);
        if (magic != GgufFile.MAGIC) {
            throw fail(String.format("bad magic 0x%08X, expected \"GGUF\" (is this a GGUF file?)", magic));
        }
        pos = 4;
        int version = u32("version");
        if (version != 2 && version != 3) {
            throw fail("GGUF version " + Integer.toUnsignedString(version) + " is not supported (versions 2 and 3 are)");
        }
        long tensorCount = u64("tensor_count");
        long kvCount = u64("metadata_kv_count");
        if (kvCount < 0 || kvCount > (size - pos) / MIN_KV_BYTES) {
            throw fail("metadata_kv_count " + Long.toUnsignedString(kvCount) + " is more than the " + size + "-byte file can hold");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string("key of metadata entry " + i);
            GgufValueType type = valueType("type of metadata " + key, u32("type of metadata " + key));
            values.put(key, value(type, "metadata " + key));
        }
        GgufMetadata metadata = new GgufMetadata(path, values);
        long alignment = alignment(metadata);
        if (tensorCount < 0 || tensorCount > (size - pos) / MIN_TENSOR_INFO_BYTES) {
            throw fail("tensor_count " + Long.toUnsignedString(tensorCount) + " is more than the " + size + "-byte file can hold");
        }
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = tensorInfo(i, alignment);
            if (tensors.put(t.name(), t) != null) {
                throw fail("tensor " + t.name() + " appears twice");
            }
        }
        long dataOffset = (pos + alignment - 1) / alignment * alignment;
        long expectedOffset = 0;
        for (GgufTensorInfo t : tensors.values()) {
            if (dataOffset > size || t.offset() > size - dataOffset || t.byteSize() > size - dataOffset - t.offset()) {
                throw fail("tensor " + t.name() + " data (offset " + t.offset() + ", " + t.byteSize()
                        + " bytes) runs past the end of the file: truncated?");
            }
            // As llama.cpp requires: tensors follow one another in directory order, each padded to the
            // alignment. A changed type, dimension or offset would otherwise read another tensor's bytes.
            if (t.offset() != expectedOffset) {
                throw fail("tensor " + t.name() + " has offset " + t.offset() + ", expected " + expectedOffset
                        + " (the end of the tensor before it, aligned to " + alignment + ")");
            }
            expectedOffset = (t.offset() + t.byteSize() + alignment - 1) / alignment * alignment;
        }
        return new GgufFile(file, version, metadata, tensors, dataOffset);
    }

    private long alignment(GgufMetadata metadata) {
        Object a = metadata.get("general.alignment");
        if (a == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(a instanceof Long l) || l <= 0 || l > 1 << 20 || Long.bitCount(l) != 1) {
            throw fail("metadata general.alignment " + a + " must be a power of two");
        }
        return l;
    }

    private GgufTensorInfo tensorInfo(long index, long alignment) {
        String name = string("name of tensor " + index);
        int nDims = u32("n_dims of tensor " + name);
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw fail("tensor " + name + " has n_dims " + Integer.toUnsignedString(nDims) + " (1 to " + MAX_DIMS + " allowed)");
        }
        long[] dims = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = u64("dimension " + d + " of tensor " + name);
            if (dims[d] <= 0) {
                throw fail("tensor " + name + " dimension " + d + " is " + Long.toUnsignedString(dims[d]));
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException e) {
                throw fail("tensor " + name + " has implausibly large dimensions");
            }
        }
        int type = u32("type of tensor " + name);
        long offset = u64("offset of tensor " + name);
        int[] geometry = GgmlType.geometry(type);
        if (geometry == null) {
            throw fail("unknown tensor type code " + Integer.toUnsignedString(type) + " in tensor " + name);
        }
        if (dims[0] % geometry[0] != 0) {
            throw fail("tensor " + name + " rows have " + dims[0] + " elements, not a multiple of the "
                    + geometry[0] + "-element " + GgmlType.name(type) + " block (llama.cpp refuses this file too; re-quantize it)");
        }
        if (offset < 0 || offset % alignment != 0) {
            throw fail("tensor " + name + " offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements / geometry[0], (long) geometry[1]);
        } catch (ArithmeticException e) {
            throw fail("tensor " + name + " has implausibly large dimensions");
        }
        return new GgufTensorInfo(name, dims, type, offset, bytes);
    }

    private GgufValueType valueType(String field, int code) {
        GgufValueType t = GgufValueType.of(Integer.toUnsignedLong(code));
        if (t == null) {
            throw fail(field + " has unknown value type " + Integer.toUnsignedString(code));
        }
        return t;
    }

    private Object value(GgufValueType type, String field) {
        need(Math.max(type.size, 1), field);
        return switch (type) {
            case UINT8 -> (long) (seg.get(ValueLayout.JAVA_BYTE, advance(1)) & 0xFF);
            case INT8 -> (long) seg.get(ValueLayout.JAVA_BYTE, advance(1));
            case UINT16 -> (long) (seg.get(SHORT, advance(2)) & 0xFFFF);
            case INT16 -> (long) seg.get(SHORT, advance(2));
            case UINT32 -> Integer.toUnsignedLong(seg.get(INT, advance(4)));
            case INT32 -> (long) seg.get(INT, advance(4));
            case UINT64, INT64 -> seg.get(LONG, advance(8));
            case FLOAT32 -> seg.get(FLOAT, advance(4));
            case FLOAT64 -> seg.get(DOUBLE, advance(8));
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, advance(1)) != 0;
            case STRING -> string(field);
            case ARRAY -> array(field);
        };
    }

    private Object array(String field) {
        GgufValueType type = valueType("element type of " + field, u32("element type of " + field));
        long count = u64("length of " + field);
        long minBytes = type.size > 0 ? type.size : type == GgufValueType.STRING ? 8 : 12;
        if (count < 0 || count > (size - pos) / minBytes) {
            throw fail(field + " claims " + Long.toUnsignedString(count) + " elements, more than the file can hold");
        }
        int n = (int) count;
        switch (type) {
            case FLOAT32 -> {
                float[] out = new float[n];
                MemorySegment.copy(seg, FLOAT, advance(4L * n), out, 0, n);
                return out;
            }
            case FLOAT64 -> {
                double[] out = new double[n];
                MemorySegment.copy(seg, DOUBLE, advance(8L * n), out, 0, n);
                return out;
            }
            case BOOL -> {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) {
                    out[i] = seg.get(ValueLayout.JAVA_BYTE, advance(1)) != 0;
                }
                return out;
            }
            case STRING -> {
                String[] out = new String[n];
                for (int i = 0; i < n; i++) {
                    out[i] = string(field + "[" + i + "]");
                }
                return out;
            }
            case ARRAY -> {
                Object[] out = new Object[n];
                for (int i = 0; i < n; i++) {
                    out[i] = array(field + "[" + i + "]");
                }
                return out;
            }
            default -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (Long) value(type, field);
                }
                return out;
            }
        }
    }

    private String string(String field) {
        long len = u64("length of " + field);
        if (len < 0 || len > size - pos) {
            throw fail(field + " has length " + Long.toUnsignedString(len) + ", past the end of the " + size + "-byte file");
        }
        byte[] bytes = new byte[(int) Math.min(len, Integer.MAX_VALUE - 8)];
        if (bytes.length != len) {
            throw fail(field + " has length " + len + ", too long for a string");
        }
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, advance(len), bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int u32(String field) {
        need(4, field);
        return seg.get(INT, advance(4));
    }

    private long u64(String field) {
        need(8, field);
        return seg.get(LONG, advance(8));
    }

    private long advance(long n) {
        long at = pos;
        pos += n;
        return at;
    }

    private void need(long n, String field) {
        if (n > size - pos) {
            throw fail("file ends at byte " + size + " while reading " + field + ": truncated or not a GGUF file");
        }
    }

    private GgufFormatException fail(String problem) {
        return GgufFormatException.of(path, problem);
    }
}
