package io.sparkllama.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Assembles a GGUF v3 header (key/values, then tensor infos) in memory, little-endian. */
final class GgufHeaderBuilder {
    private static final int MAGIC = 0x46554747; // "GGUF"
    private static final int VERSION = 3;
    private static final int TYPE_UINT32 = 4;
    private static final int TYPE_FLOAT32 = 6;
    private static final int TYPE_STRING = 8;

    private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
    private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
    private long kvCount;
    private long tensorCount;

    GgufHeaderBuilder string(String key, String value) {
        key(key, TYPE_STRING);
        str(kvs, value);
        return this;
    }

    GgufHeaderBuilder u32(String key, int value) {
        key(key, TYPE_UINT32);
        kvs.writeBytes(le(4).putInt(value).array());
        return this;
    }

    GgufHeaderBuilder f32(String key, float value) {
        key(key, TYPE_FLOAT32);
        kvs.writeBytes(le(4).putFloat(value).array());
        return this;
    }

    /** Appends {@code count} key/values already encoded (copied verbatim from another file). */
    GgufHeaderBuilder encoded(byte[] bytes, int count) {
        kvs.writeBytes(bytes);
        kvCount += count;
        return this;
    }

    /** @param dims ggml order: {@code dims[0]} is the row length */
    GgufHeaderBuilder tensor(String name, long[] dims, int ggmlCode, long offset) {
        str(infos, name);
        infos.writeBytes(le(4).putInt(dims.length).array());
        for (long d : dims) {
            infos.writeBytes(le(8).putLong(d).array());
        }
        infos.writeBytes(le(12).putInt(ggmlCode).putLong(offset).array());
        tensorCount++;
        return this;
    }

    /** The whole header, zero-padded to {@code alignment} so that tensor data may follow at once. */
    byte[] build(int alignment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(24).putInt(MAGIC).putInt(VERSION).putLong(tensorCount).putLong(kvCount).array());
        out.writeBytes(kvs.toByteArray());
        out.writeBytes(infos.toByteArray());
        int pad = (int) (-out.size() & (alignment - 1));
        out.writeBytes(new byte[pad]);
        return out.toByteArray();
    }

    private void key(String key, int type) {
        str(kvs, key);
        kvs.writeBytes(le(4).putInt(type).array());
        kvCount++;
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(le(8).putLong(b.length).array());
        out.writeBytes(b);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
