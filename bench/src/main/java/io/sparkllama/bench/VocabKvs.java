package io.sparkllama.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tokenizer.*} key/values of a vocab-only GGUF, kept as their encoded bytes so they can
 * be copied verbatim into another file, and the ids of its control tokens (token type 3).
 */
record VocabKvs(byte[] encoded, int count, int[] controlIds) {
    private static final String PREFIX = "tokenizer.";
    private static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    private static final int CONTROL = 3;
    private static final int TYPE_INT32 = 5;
    private static final int TYPE_STRING = 8;
    private static final int TYPE_ARRAY = 9;

    static VocabKvs read(Path gguf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(gguf)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        int version = b.getInt();
        if (magic != 0x46554747 || (version != 2 && version != 3)) {
            throw new IOException(gguf + " is not a GGUF v2/v3 file");
        }
        b.getLong(); // tensor count: a vocab file's tensors are of no interest
        long kvCount = b.getLong();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        int count = 0;
        int[] control = new int[0];
        for (long i = 0; i < kvCount; i++) {
            int start = b.position();
            String key = string(b);
            int type = b.getInt();
            if (key.equals(TOKEN_TYPE)) {
                control = controlIds(b, gguf);
            } else {
                skipValue(b, type);
            }
            if (key.startsWith(PREFIX)) {
                kept.write(b.array(), start, b.position() - start);
                count++;
            }
        }
        return new VocabKvs(kept.toByteArray(), count, control);
    }

    /** Reads the token-type array (the value of {@link #TOKEN_TYPE}) and returns the control ids. */
    private static int[] controlIds(ByteBuffer b, Path gguf) throws IOException {
        int elemType = b.getInt();
        long n = b.getLong();
        if (elemType != TYPE_INT32) {
            throw new IOException(gguf + ": " + TOKEN_TYPE + " is not an int32 array");
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            if (b.getInt() == CONTROL) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void skipValue(ByteBuffer b, int type) {
        if (type == TYPE_STRING) {
            int len = Math.toIntExact(b.getLong());
            b.position(b.position() + len);
        } else if (type == TYPE_ARRAY) {
            int elemType = b.getInt();
            long n = b.getLong();
            for (long i = 0; i < n; i++) {
                skipValue(b, elemType);
            }
        } else {
            b.position(b.position() + scalarSize(type));
        }
    }

    /** Bytes of a fixed-size GGUF value type (uint8 .. float64 by code). */
    private static int scalarSize(int type) {
        return switch (type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        };
    }

    private static String string(ByteBuffer b) {
        int len = Math.toIntExact(b.getLong());
        String s = new String(b.array(), b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        return s;
    }
}
