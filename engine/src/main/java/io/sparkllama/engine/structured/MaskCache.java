package io.sparkllama.engine.structured;

import io.sparkllama.engine.settings.KvCacheMemory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokens a grammar state allows, kept per trie and state, so that states that recur (inside a
 * string, after a comma, at a number, in every row of a job) skip the vocabulary walk. An entry is
 * a vocabulary-sized bitset of the tokens the grammar allows, ignoring the token budget, and the
 * largest {@link MatchState#minBytes()} any of them leaves: while the budget covers that, the
 * budgeted mask is the same set. Bounded by bytes (the bitsets plus a fixed overhead per entry),
 * least recently used evicted first; one per JVM, shared by every thread.
 */
public final class MaskCache {
    /** JVM system property that sets the shared cache's budget: a size ({@code 64m}), or 0 for no cache. */
    public static final String MEMORY_PROPERTY = "sparkllama.mask_cache_memory";
    /** The shared cache's budget when the property is not set. */
    public static final long DEFAULT_BYTES = 64L << 20;
    /** Bytes counted per entry beyond its bitset: the map entry, the key, the retained state's frames. */
    static final long ENTRY_OVERHEAD = 256;

    private static final MaskCache SHARED = new MaskCache(budgetFromProperty());

    /** A cached mask: read-only once stored. */
    static final class Entry {
        final long[] bits;
        final int maxMinBytes;

        Entry(long[] bits, int maxMinBytes) {
            this.bits = bits;
            this.maxMinBytes = maxMinBytes;
        }
    }

    /** A map key; a {@link TokenMask} reuses one as its probe, so a lookup allocates nothing. */
    static final class Key {
        TokenTrie trie;
        MatchState state;

        Key set(TokenTrie t, MatchState s) {
            this.trie = t;
            this.state = s;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.trie == trie && k.state.equals(state);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(trie) * 31 + state.hashCode();
        }
    }

    private final long budgetBytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long usedBytes;
    private long hits;
    private long misses;

    /** A cache holding at most {@code budgetBytes}; 0 caches nothing. */
    public MaskCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("mask cache budget must be >= 0, not " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The JVM's cache, sized by {@value #MEMORY_PROPERTY} (default 64 MiB). */
    public static MaskCache shared() {
        return SHARED;
    }

    private static long budgetFromProperty() {
        String v = System.getProperty(MEMORY_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_BYTES;
        }
        if (v.trim().equals("0")) {
            return 0;
        }
        try {
            return KvCacheMemory.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + MEMORY_PROPERTY + ": " + e.getMessage() + " (or 0 for no mask cache)", e);
        }
    }

    boolean enabled() {
        return budgetBytes > 0;
    }

    synchronized Entry get(Key probe) {
        Entry e = entries.get(probe);
        if (e == null) {
            misses++;
        } else {
            hits++;
        }
        return e;
    }

    /** Stores a copy of {@code bits} for the state; evicts the least recently used entries past the budget. */
    synchronized Entry put(TokenTrie trie, MatchState state, long[] bits, int maxMinBytes) {
        Entry e = new Entry(bits.clone(), maxMinBytes);
        long size = bytes(e);
        if (size > budgetBytes) {
            return e;
        }
        Entry old = entries.put(new Key().set(trie, state), e);
        usedBytes += size - (old == null ? 0 : bytes(old));
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && it.hasNext()) {
            usedBytes -= bytes(it.next().getValue());
            it.remove();
        }
        return e;
    }

    private static long bytes(Entry e) {
        return 8L * e.bits.length + ENTRY_OVERHEAD;
    }

    /** Bytes held now (at most the budget). */
    public synchronized long usedBytes() {
        return usedBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
