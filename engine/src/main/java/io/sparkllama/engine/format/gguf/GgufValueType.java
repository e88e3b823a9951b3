package io.sparkllama.engine.format.gguf;

/** Types of GGUF metadata values, by their on-disk code; {@code size} is 0 for variable-length ones. */
enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(0), ARRAY(0),
    UINT64(8), INT64(8), FLOAT64(8);

    private static final GgufValueType[] BY_CODE = values();

    /** Bytes of one value; 0 for strings and arrays. */
    final int size;

    GgufValueType(int size) {
        this.size = size;
    }

    /** The type of {@code code}, or null when no type has it. */
    static GgufValueType of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
