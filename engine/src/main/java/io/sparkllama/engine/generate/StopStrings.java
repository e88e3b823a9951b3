package io.sparkllama.engine.generate;

import io.sparkllama.engine.tokenizer.TextAssembler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request's stop strings as UTF-8 bytes, matched against a completion's bytes as they grow: a
 * match may span any number of tokens, and since UTF-8 is self-synchronizing a byte match of a
 * valid string is a match of its characters.
 */
public final class StopStrings {
    public static final StopStrings NONE = new StopStrings(List.of());

    private final byte[][] needles;
    private final int longest;

    public StopStrings(List<String> strings) {
        needles = new byte[strings.size()][];
        int max = 0;
        for (int i = 0; i < needles.length; i++) {
            needles[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, needles[i].length);
        }
        longest = max;
    }

    public boolean isEmpty() {
        return needles.length == 0;
    }

    /**
     * The byte offset of the earliest match in {@code text} that ends after {@code oldSize} (the
     * text's size before the last token), or -1. Earlier matches were looked for at earlier tokens.
     */
    public int firstMatch(TextAssembler text, int oldSize) {
        int from = Math.max(0, oldSize - longest + 1);
        int best = -1;
        for (byte[] needle : needles) {
            int at = text.indexOf(needle, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }
}
