package io.sparkllama.engine.settings;

import java.util.Locale;

/**
 * The element type of the KV cache ({@code kv_cache_type}): fp32 (the default; results as without a
 * setting), or IEEE half / bfloat16, which halve the KV memory per position. Keys and values are
 * rounded to nearest-even when stored and widened exactly when read, so the attention arithmetic
 * stays fp32 and in the same order on every vector width.
 */
public enum KvCacheType {
    F32(4),
    F16(2),
    BF16(2);

    /** Bytes of one stored element. */
    public final int bytes;

    KvCacheType(int bytes) {
        this.bytes = bytes;
    }

    /** The name settings and outputs use: {@code f32}, {@code f16} or {@code bf16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type whose {@link #label} is {@code value} (any case); null for anything else. */
    public static KvCacheType ofLabel(String value) {
        for (KvCacheType t : values()) {
            if (t.name().equalsIgnoreCase(value)) {
                return t;
            }
        }
        return null;
    }

    /** The type named {@code value}, or an {@link IllegalArgumentException} naming {@code setting} and the choices. */
    public static KvCacheType parse(String value, String setting) {
        KvCacheType t = value == null ? null : ofLabel(value.trim());
        if (t == null) {
            throw new IllegalArgumentException(setting + " must be f32, f16 or bf16, got '" + value + "'");
        }
        return t;
    }

    /** {@code f} as this type's 16 bits (F16 or BF16), rounded to nearest-even. */
    public short narrow(float f) {
        if (this == F16) {
            return Float.floatToFloat16(f);
        }
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40); // NaN stays a (quiet) NaN
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
