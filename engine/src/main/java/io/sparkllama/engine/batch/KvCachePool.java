package io.sparkllama.engine.batch;

import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.Transformer;
import java.util.ArrayDeque;

/**
 * At most {@code limit} per-sequence KV caches, made on first need and reused by the sequences
 * that come after: KV memory is bounded by the batch size times the context, and a long run of
 * requests allocates nothing after its first batch.
 */
final class KvCachePool {
    private final Transformer model;
    private final int limit;
    private final ArrayDeque<KvCache> free = new ArrayDeque<>();
    private int created;

    KvCachePool(Transformer model, int limit) {
        this.model = model;
        this.limit = limit;
    }

    /** A cache for a joining sequence; the scheduler never asks for more than {@code limit} at once. */
    KvCache take() {
        KvCache c = free.poll();
        if (c != null) {
            return c;
        }
        if (created == limit) {
            throw new IllegalStateException("all " + limit + " KV caches are in use");
        }
        created++;
        return model.newCache();
    }

    /** Gives back a finished sequence's cache; stale entries are overwritten before they are read. */
    void release(KvCache cache) {
        free.push(cache);
    }
}
