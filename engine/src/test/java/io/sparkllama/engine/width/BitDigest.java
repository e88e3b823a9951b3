package io.sparkllama.engine.width;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short SHA-256 digest of the exact bits of ids and floats, so that two JVMs can compare results by text. */
public final class BitDigest {
    private BitDigest() {
    }

    public static String of(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            b.putInt(Float.floatToRawIntBits(v));
        }
        return hash(b.array());
    }

    public static String of(float[] values, double sum) {
        return of(values) + "/" + Long.toHexString(Double.doubleToRawLongBits(sum));
    }

    public static String of(int[] ids, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(ids.length * 4);
        for (int id : ids) {
            b.putInt(id);
        }
        return hash(b.array()) + "/" + of(values);
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
