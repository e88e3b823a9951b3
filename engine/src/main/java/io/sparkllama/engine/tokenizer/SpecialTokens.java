package io.sparkllama.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Special-token texts of a vocabulary (e.g. {@code <|eot_id|>}, {@code <s>}) and how to cut text
 * at them, as llama.cpp does: longest special text first, every occurrence in the ordinary text
 * left so far. User-defined tokens are cut out even when special-token parsing is off.
 */
public final class SpecialTokens {
    /** No special tokens at all. */
    public static final SpecialTokens NONE = new SpecialTokens(Map.of(), Map.of());

    private record Entry(String text, int id, boolean always) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param control     texts cut out only when parsing special tokens (control and unknown tokens)
     * @param userDefined texts always cut out
     */
    public SpecialTokens(Map<String, Integer> control, Map<String, Integer> userDefined) {
        control.forEach((t, id) -> entries.add(new Entry(t, id, false)));
        userDefined.forEach((t, id) -> entries.add(new Entry(t, id, true)));
        entries.removeIf(e -> e.text.isEmpty());
        entries.sort(Comparator.comparingInt((Entry e) -> -e.text.length()).thenComparingInt(Entry::id));
    }

    /** A piece of input text: either a special token id, or a run of ordinary text. */
    public record Fragment(int token, String text) {
        public boolean isToken() {
            return text == null;
        }
    }

    /** Cuts {@code text} at special tokens (all of them when {@code parseSpecial}, else the user-defined ones). */
    public List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> frags = new ArrayList<>();
        if (text.isEmpty()) {
            return frags;
        }
        frags.add(new Fragment(-1, text));
        for (Entry e : entries) {
            if (!parseSpecial && !e.always) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(frags.size() + 2);
            for (Fragment f : frags) {
                if (f.isToken()) {
                    next.add(f);
                    continue;
                }
                String s = f.text;
                int from = 0;
                int at;
                while ((at = s.indexOf(e.text, from)) >= 0) {
                    if (at > from) {
                        next.add(new Fragment(-1, s.substring(from, at)));
                    }
                    next.add(new Fragment(e.id, null));
                    from = at + e.text.length();
                }
                if (from < s.length()) {
                    next.add(new Fragment(-1, s.substring(from)));
                }
            }
            frags = next;
        }
        return frags;
    }
}
