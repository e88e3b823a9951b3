package io.sparkllama.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutable fields of llama2.c files: a {@code model.bin}'s seven header ints and the first
 * weight of every tensor block and of every layer's norms; a {@code tokenizer.bin}'s
 * max_token_length and every token's score and length.
 */
final class Llama2cFieldMap {
    private Llama2cFieldMap() {
    }

    static List<HeaderField> model(byte[] bin) {
        ByteBuffer b = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
        List<HeaderField> out = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            out.add(HeaderField.integer(4L * i, 4));
        }
        long dim = b.getInt(0);
        long hidden = b.getInt(4);
        int layers = b.getInt(8);
        long kvDim = dim * b.getInt(16) / b.getInt(12);
        long vocab = Math.abs(b.getInt(20));
        // Block sizes in floats, in file order; the norms' per-layer starts are listed one by one.
        long[] blocks = {vocab * dim, layers * dim, layers * dim * dim, layers * kvDim * dim, layers * kvDim * dim,
                layers * dim * dim, layers * dim, layers * hidden * dim, layers * dim * hidden, layers * hidden * dim, dim};
        long at = 28;
        for (int k = 0; k < blocks.length; k++) {
            out.add(HeaderField.weight(at, 4));
            if (k == 1 || k == 6) {
                for (int l = 1; l < layers; l++) {
                    out.add(HeaderField.weight(at + 4L * l * dim, 4));
                }
            }
            at += 4 * blocks[k];
        }
        return out;
    }

    static List<HeaderField> tokenizer(byte[] tok) {
        ByteBuffer b = ByteBuffer.wrap(tok).order(ByteOrder.LITTLE_ENDIAN);
        List<HeaderField> out = new ArrayList<>();
        out.add(HeaderField.integer(0, 4));
        int at = 4;
        while (at + 8 <= tok.length) {
            out.add(HeaderField.floating(at, 4));
            out.add(HeaderField.integer(at + 4, 4));
            at += 8 + b.getInt(at + 4);
        }
        return out;
    }
}
