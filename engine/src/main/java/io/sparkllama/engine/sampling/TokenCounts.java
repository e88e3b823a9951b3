package io.sparkllama.engine.sampling;

/**
 * What one sequence has seen, for the penalties: how often each id was generated, and which ids
 * appeared in the prompt or the completion. Allocated once per sequence (sized by the vocabulary),
 * updated per token without allocation; the distinct ids are listed so that applying the penalties
 * costs the number of distinct ids, not the vocabulary.
 */
public final class TokenCounts {
    private final int[] generated;
    private final boolean[] seen;
    private final int[] distinct;
    private int size;

    /** @param capacity the most tokens the sequence will hold (prompt and completion) */
    public TokenCounts(int vocab, int capacity) {
        this.generated = new int[vocab];
        this.seen = new boolean[vocab];
        this.distinct = new int[Math.min(vocab, capacity)];
    }

    /** Counts of a sequence whose prompt is {@code prompt} and which may generate {@code maxNew} tokens. */
    public static TokenCounts forPrompt(int vocab, int[] prompt, int maxNew) {
        TokenCounts c = new TokenCounts(vocab, prompt.length + maxNew);
        for (int id : prompt) {
            c.mark(id);
        }
        return c;
    }

    public void addGenerated(int id) {
        mark(id);
        generated[id]++;
    }

    private void mark(int id) {
        if (!seen[id]) {
            seen[id] = true;
            distinct[size++] = id;
        }
    }

    /** Times {@code id} was generated so far. */
    public int generated(int id) {
        return generated[id];
    }

    int distinctCount() {
        return size;
    }

    int distinctId(int i) {
        return distinct[i];
    }
}
