package io.sparkllama.engine.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A radix tree over token ids whose nodes are KV blocks ({@link PrefixNode}), so sequences that
 * begin with the same tokens compute them once: the choices of an evaluation item, few-shot
 * examples shared by a task's items, a system prompt shared by a table's rows. Blocks are
 * reference-counted by the live sequences using them; a sequence that diverges inside a block
 * copies it (copy-on-write) and writes its own positions after the shared ones. Blocks no live
 * sequence holds stay cached until the session's KV budget needs them back, least recently used
 * first ({@link KvBlockPool.Reclaimer}). The logprobs computed along a path are kept with it, so
 * a request for logprobs of a shared part reuses them too.
 *
 * <p>A position's keys, values and logits depend only on the tokens up to it, and every kernel
 * computes each token on its own, so a shared block holds the same bits a sequence would compute
 * alone. One per session; used on the session's thread only.
 */
public final class PrefixCache implements KvBlockPool.Reclaimer {
    /**
     * A request waits for a running sequence's prefix only when that saves at least this many
     * positions: rows that merely begin alike (BOS and a common first word) must not queue behind
     * each other one step at a time, which would leave the steps empty.
     */
    static final int WAIT_MIN_POSITIONS = 16;
    private final KvBlockPool pool;
    private final PrefixNode root = new PrefixNode(null, -KvBlockPool.BLOCK);
    private final List<PrefixNode> nodes = new ArrayList<>();
    private long clock;

    public PrefixCache(KvBlockPool pool) {
        this.pool = pool;
        root.length = KvBlockPool.BLOCK;
        root.computed = KvBlockPool.BLOCK;
        pool.reclaimer(this);
    }

    /** Blocks the tree holds now (in use or cached). */
    public int blocks() {
        return nodes.size();
    }

    /**
     * Fills {@code cache} with blocks for positions {@code [0, fed)} of {@code tokens}: cached
     * blocks of the longest prefix already computed, then blocks of its own. Positions it takes from
     * the cache are never fed again, so they stop short of the first position at or after
     * {@code firstLogit} whose next token's logprob the tree does not hold.
     *
     * @return the path (see {@link PrefixPath#reused()}), {@link PrefixPath#WAIT} when a live
     *     sequence is still computing at least {@link #WAIT_MIN_POSITIONS} positions of a prefix
     *     this one shares (ask again after the next step),
     *     or null when the KV budget cannot give the blocks now (nothing taken)
     */
    public PrefixPath acquire(int[] tokens, int fed, int firstLogit, KvCache cache) {
        int blocks = KvBlockPool.blocksFor(fed);
        PrefixNode[] matched = new PrefixNode[blocks];
        int[] common = new int[blocks];
        int usable = 0;
        PrefixNode at = root;
        for (int b = 0; b < blocks && at.full(); b++) {
            PrefixNode best = null;
            int bestCommon = 0;
            for (int i = 0; i < at.childCount; i++) {
                PrefixNode child = at.children[i];
                int c = child.common(tokens, fed - child.start);
                if (c > bestCommon) {
                    best = child;
                    bestCommon = c;
                }
            }
            if (best == null) {
                break;
            }
            if (best.writing && bestCommon - best.computed >= WAIT_MIN_POSITIONS) {
                return PrefixPath.WAIT;
            }
            matched[b] = best;
            common[b] = Math.min(bestCommon, best.computed);
            usable += common[b];
            if (common[b] < KvBlockPool.BLOCK) {
                break;
            }
            at = best;
        }
        int reused = reusable(tokens, fed, firstLogit, matched, usable);
        return build(tokens, fed, cache, matched, common, reused);
    }

    /** The first position at or after {@code firstLogit} (below {@code usable}) whose next token's logprob is not held; else {@code usable}. */
    private static int reusable(int[] tokens, int fed, int firstLogit, PrefixNode[] matched, int usable) {
        for (int p = Math.max(0, firstLogit); p < usable; p++) {
            int target = p + 1;
            if (target >= usable) {
                return p;
            }
            PrefixNode n = matched[target / KvBlockPool.BLOCK];
            if (Double.isNaN(n.logprobs[target % KvBlockPool.BLOCK])) {
                return p;
            }
        }
        return usable;
    }

    private PrefixPath build(int[] tokens, int fed, KvCache cache, PrefixNode[] matched, int[] common, int reused) {
        int blocks = matched.length;
        int shared = reused / KvBlockPool.BLOCK;
        PrefixNode[] path = new PrefixNode[blocks];
        long now = ++clock;
        for (int b = 0; b < shared; b++) {
            path[b] = matched[b];
            path[b].refs++;
            path[b].lastUse = now;
        }
        // The block the shared part ends in (if any) is copied, so this sequence can write after the shared positions.
        PrefixNode source = shared < blocks ? matched[shared] : null;
        if (source != null) {
            source.refs++; // kept from eviction while blocks are taken
        }
        PrefixNode parent = shared == 0 ? root : path[shared - 1];
        boolean ok = true;
        for (int b = shared; b < blocks; b++) {
            MemorySegment block = pool.take();
            if (block == null) {
                ok = false;
                break;
            }
            PrefixNode n = new PrefixNode(parent, b * KvBlockPool.BLOCK);
            n.block = block;
            n.length = Math.min(KvBlockPool.BLOCK, fed - n.start);
            System.arraycopy(tokens, n.start, n.tokens, 0, n.length);
            n.refs = 1;
            n.writing = true;
            n.lastUse = now;
            if (b == shared && source != null) {
                MemorySegment.copy(source.block, 0, block, 0, block.byteSize());
                n.computed = reused - n.start;
                System.arraycopy(source.logprobs, 0, n.logprobs, 0, common[b]);
                System.arraycopy(source.greedy, 0, n.greedy, 0, common[b]);
            }
            add(n);
            path[b] = n;
            parent = n;
        }
        if (source != null) {
            source.refs--;
        }
        PrefixPath p = new PrefixPath(this, cache, path, shared, reused, fed);
        if (!ok) {
            release(path, shared, true);
            return null;
        }
        for (int b = 0; b < blocks; b++) {
            cache.append(path[b].block);
        }
        return p;
    }

    private void add(PrefixNode n) {
        n.parent.addChild(n);
        n.slot = nodes.size();
        nodes.add(n);
    }

    private void remove(PrefixNode n) {
        n.parent.removeChild(n);
        PrefixNode last = nodes.removeLast();
        if (last != n) {
            nodes.set(n.slot, last);
            last.slot = n.slot;
        }
        pool.release(n.block);
        n.block = null;
    }

    /** Gives back a finished sequence's hold on {@code path}; its own blocks stay cached up to the positions it wrote. */
    void release(PrefixNode[] path, int own, boolean discardOwn) {
        long now = ++clock;
        for (int b = path.length - 1; b >= 0; b--) {
            PrefixNode n = path[b];
            if (n == null) {
                continue;
            }
            n.refs--;
            n.lastUse = now;
            if (b >= own) {
                n.writing = false;
                n.length = n.computed;
                if ((discardOwn || n.computed == 0) && n.refs == 0 && n.childCount == 0) {
                    remove(n);
                }
            }
        }
    }

    /** Evicts the least recently used block that no live sequence holds and no other block continues. */
    @Override
    public boolean reclaimOne() {
        PrefixNode victim = null;
        for (PrefixNode n : nodes) {
            if (n.refs == 0 && n.childCount == 0 && (victim == null || n.lastUse < victim.lastUse)) {
                victim = n;
            }
        }
        if (victim == null) {
            return false;
        }
        remove(victim);
        return true;
    }
}
