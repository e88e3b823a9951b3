package io.sparkllama.engine.model;

/**
 * A live sequence's blocks in a {@link PrefixCache}: the shared ones it reuses and its own, which
 * it fills as it runs ({@link #record}, {@link #computed}) and which stay cached for later
 * sequences after {@link #release}.
 */
public final class PrefixPath {
    /** Returned by {@link PrefixCache#acquire} when a prefix this sequence shares is still being computed. */
    public static final PrefixPath WAIT = new PrefixPath(null, null, new PrefixNode[0], 0, 0, 0);

    private final PrefixCache cache;
    private final KvCache kv;
    private final PrefixNode[] nodes;
    /** Index of the first block of this sequence's own. */
    private final int own;
    private final int reused;
    private final int fed;
    private boolean released;

    PrefixPath(PrefixCache cache, KvCache kv, PrefixNode[] nodes, int own, int reused, int fed) {
        this.cache = cache;
        this.kv = kv;
        this.nodes = nodes;
        this.own = own;
        this.reused = reused;
        this.fed = fed;
    }

    /** Positions whose keys and values come from the cache: feeding starts here. */
    public int reused() {
        return reused;
    }

    /** The cached logprob of {@code tokens[index]} given the tokens before it, for {@code 1 <= index <= reused()}. */
    public double logprob(int index) {
        return nodes[index / KvBlockPool.BLOCK].logprobs[index % KvBlockPool.BLOCK];
    }

    /** Whether {@code tokens[index]} was the argmax at the position before it, for {@code 1 <= index <= reused()}. */
    public boolean greedy(int index) {
        return nodes[index / KvBlockPool.BLOCK].greedy[index % KvBlockPool.BLOCK];
    }

    /** Keeps the logprob of {@code tokens[index]} for later sequences (tokens past the fed positions are not kept). */
    public void record(int index, double logprob, boolean greedy) {
        if (index < fed) {
            PrefixNode n = nodes[index / KvBlockPool.BLOCK];
            n.logprobs[index % KvBlockPool.BLOCK] = logprob;
            n.greedy[index % KvBlockPool.BLOCK] = greedy;
        }
    }

    /** Positions {@code [0, positions)} now have their keys and values: later sequences may share them. */
    public void computed(int positions) {
        for (int b = own; b < nodes.length; b++) {
            PrefixNode n = nodes[b];
            n.computed = Math.max(n.computed, Math.min(KvBlockPool.BLOCK, positions - n.start));
            if (positions < n.start + KvBlockPool.BLOCK) {
                break;
            }
        }
    }

    /** Drops this sequence's hold and empties its {@link KvCache}; call after it finished or failed. */
    public void release() {
        if (!released) {
            released = true;
            kv.forget();
            cache.release(nodes, own, false);
        }
    }
}
