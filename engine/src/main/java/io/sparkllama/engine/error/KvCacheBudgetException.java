package io.sparkllama.engine.error;

/** A request needs more KV cache than {@code kv_cache_memory} allows even when it runs alone. */
public final class KvCacheBudgetException extends InvalidRequestException {
    public KvCacheBudgetException(String message) {
        super(message);
    }
}
