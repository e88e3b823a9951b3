package io.sparkllama.engine.score;

import java.nio.charset.StandardCharsets;

/**
 * A document's size in lm-evaluation-harness' units for word and byte perplexity: words are the
 * pieces of {@code re.split(r"\s+", text)} (empty leading/trailing pieces count, as in Python),
 * bytes are UTF-8 bytes.
 */
public record DocumentSize(long words, long bytes) {
    public static DocumentSize of(String text) {
        long pieces = 1;
        boolean inSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean space = isPythonSpace(cp);
            if (space && !inSpace) {
                pieces++;
            }
            inSpace = space;
            i += Character.charCount(cp);
        }
        return new DocumentSize(pieces, text.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Python's {@code \s} for str patterns: Unicode whitespace plus the ASCII separators 0x1c-0x1f. */
    private static boolean isPythonSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    public double wordPerplexity(double sumNll) {
        return Math.exp(sumNll / words);
    }

    public double bytePerplexity(double sumNll) {
        return Math.exp(sumNll / bytes);
    }

    public double bitsPerByte(double sumNll) {
        return sumNll / (bytes * Math.log(2));
    }
}
