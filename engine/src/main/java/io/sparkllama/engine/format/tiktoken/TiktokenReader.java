package io.sparkllama.engine.format.tiktoken;

import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.tokenizer.ByteLevelBpeTokenizer;
import io.sparkllama.engine.tokenizer.SpecialTokens;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads Meta's Llama 3 {@code tokenizer.model}: one {@code base64(token bytes) rank} line per token,
 * ranks 0, 1, 2, ... (the rank is the id and the merge priority), followed by Llama 3's 256 special
 * tokens, into a byte-level BPE tokenizer with the Llama 3 split pattern.
 */
public final class TiktokenReader {
    private TiktokenReader() {
    }

    /** Whether the file starts like a tiktoken ranks file: a base64 word, a space, a number. */
    public static boolean looksLike(MemorySegment seg) {
        long n = Math.min(seg.byteSize(), 256);
        int i = 0;
        while (i < n && isBase64(seg.get(ValueLayout.JAVA_BYTE, i))) {
            i++;
        }
        if (i == 0 || i + 1 >= n || seg.get(ValueLayout.JAVA_BYTE, i) != ' ') {
            return false;
        }
        byte d = seg.get(ValueLayout.JAVA_BYTE, i + 1);
        return d >= '0' && d <= '9';
    }

    public static ByteLevelBpeTokenizer read(Path path, MemorySegment seg) {
        byte[] text = seg.toArray(ValueLayout.JAVA_BYTE);
        int lines = 0;
        for (byte b : text) {
            if (b == '\n') {
                lines++;
            }
        }
        if (text.length > 0 && text[text.length - 1] != '\n') {
            lines++;
        }
        byte[][] tokens = new byte[lines + Llama3SpecialTokens.COUNT][];
        Set<String> seen = new HashSet<>(lines * 2);
        Base64.Decoder b64 = Base64.getDecoder();
        int count = 0;
        int start = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int space = start;
            while (space < end && text[space] != ' ') {
                space++;
            }
            if (space == start || space >= end - 1) {
                throw fail(path, count, "is not 'base64 rank'");
            }
            byte[] token;
            try {
                token = b64.decode(Arrays.copyOfRange(text, start, space));
            } catch (IllegalArgumentException e) {
                throw fail(path, count, "has invalid base64 (" + e.getMessage() + ")");
            }
            long rank = parseRank(path, count, text, space + 1, end);
            if (rank != count) {
                throw fail(path, count, "has rank " + rank + "; ranks must run 0, 1, 2, ... (they are the token ids)");
            }
            if (token.length == 0 || !seen.add(new String(token, StandardCharsets.ISO_8859_1))) {
                throw fail(path, count, "repeats an earlier token or is empty");
            }
            tokens[count++] = token;   // every line is a token (empty lines fail above), so count ends at lines
            start = end + 1;
        }
        if (count < 256) {
            throw TokenizerFormatException.of(path, "has " + count + " ranked tokens; a byte-level vocabulary needs all 256 bytes");
        }
        int[] ranks = new int[count + Llama3SpecialTokens.COUNT];
        for (int i = 0; i < count; i++) {
            ranks[i] = i;
        }
        Map<String, Integer> specials = new HashMap<>();
        for (int i = 0; i < Llama3SpecialTokens.COUNT; i++) {
            String name = Llama3SpecialTokens.name(i);
            tokens[count + i] = name.getBytes(StandardCharsets.UTF_8);
            ranks[count + i] = Integer.MAX_VALUE;   // never formed by merging
            specials.put(name, count + i);
        }
        int bos = count + Llama3SpecialTokens.BEGIN_OF_TEXT;
        int eos = count + Llama3SpecialTokens.END_OF_TEXT;
        int[] stops = {eos, count + Llama3SpecialTokens.EOT, count + Llama3SpecialTokens.EOM};
        return new ByteLevelBpeTokenizer(tokens, ranks, new SpecialTokens(specials, Map.of()), ByteLevelBpeTokenizer.LLAMA3_SPLIT,
                bos, eos, stops);
    }

    private static long parseRank(Path path, int line, byte[] text, int from, int to) {
        if (to > from && text[to - 1] == '\r') {
            to--;
        }
        if (to <= from || to - from > 10) {
            throw fail(path, line, "has no rank");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (text[i] < '0' || text[i] > '9') {
                throw fail(path, line, "has a rank that is not a number");
            }
            v = v * 10 + (text[i] - '0');
        }
        return v;
    }

    private static boolean isBase64(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=';
    }

    private static TokenizerFormatException fail(Path path, int line, String problem) {
        return TokenizerFormatException.of(path, "line " + (line + 1) + " " + problem);
    }
}
