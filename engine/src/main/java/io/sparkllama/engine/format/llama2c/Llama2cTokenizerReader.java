package io.sparkllama.engine.format.llama2c;

import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.tokenizer.SentencePieceTokenizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama2.c's {@code tokenizer.bin}: int32 max_token_length, then per token a float32 score,
 * an int32 length and that many bytes, up to the end of the file. BOS is 1 and EOS 2; llama2.c
 * models also end a story with BOS, so both stop generation.
 */
public final class Llama2cTokenizerReader {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Llama2cTokenizerReader() {
    }

    public static SentencePieceTokenizer read(Path path) {
        try (MappedFile file = MappedFile.open(path)) {
            return read(path, file.segment());
        }
    }

    /** Reads the tokenizer bytes {@code seg}; {@code path} names them in errors. */
    public static SentencePieceTokenizer read(Path path, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 4) {
            throw TokenizerFormatException.of(path, "file has " + size + " bytes, too short for a llama2.c tokenizer.bin");
        }
        int maxLen = seg.get(INT, 0);
        if (maxLen <= 0 || maxLen > 1 << 16) {
            throw TokenizerFormatException.of(path, "max_token_length " + maxLen + " is implausible (is this a llama2.c tokenizer.bin?)");
        }
        List<byte[]> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        long off = 4;
        while (off < size) {
            if (size - off < 8) {
                throw TokenizerFormatException.of(path, "token " + pieces.size() + " is cut off at byte " + off);
            }
            float score = seg.get(FLOAT, off);
            int len = seg.get(INT, off + 4);
            off += 8;
            if (len < 0 || len > maxLen || len > size - off) {
                throw TokenizerFormatException.of(path, "token " + pieces.size() + " has length " + len
                        + " (max_token_length " + maxLen + ", " + (size - off) + " bytes left)");
            }
            byte[] piece = new byte[len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, piece, 0, len);
            off += len;
            pieces.add(piece);
            scores.add(score);
        }
        if (pieces.size() < 3) {
            throw TokenizerFormatException.of(path, "has " + pieces.size() + " tokens; a llama2.c vocabulary needs <unk>, <s>, </s> at least");
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new SentencePieceTokenizer(pieces.toArray(new byte[0][]), s, 1, 2, new int[] {2, 1});
    }
}
