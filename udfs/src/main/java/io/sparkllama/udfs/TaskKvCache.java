package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import java.util.function.Consumer;

/**
 * The KV cache of one Spark task: {@code kv_cache_memory} is an executor's budget, divided evenly
 * among its task slots ({@link ExecutorTaskSlots}), so that the tasks running side by side never
 * hold more than the budget together. A fixed share, not a pool the tasks compete for: whether a
 * row fits (or gets a budget error) never depends on what other tasks run beside it.
 */
public final class TaskKvCache {
    private TaskKvCache() {
    }

    /** Bytes of KV cache one task may hold: {@code executorBudget} (0: the default) over the slots. */
    public static long share(long executorBudget) {
        return KvCacheMemory.orDefault(executorBudget) / ExecutorTaskSlots.count();
    }

    /** A session for this task with its share of {@code executorBudget} and blocks of {@code type} (null: f32). */
    public static InferenceSession open(Engine engine, int threads, long executorBudget, KvCacheType type) {
        InferenceSession s = engine.newSession(threads, share(executorBudget), type == null ? KvCacheType.F32 : type);
        describe(s::describeKvBudget, executorBudget);
        return s;
    }

    /** {@link #open(Engine, int, long, KvCacheType)} with the budget and type of {@code handle}. */
    public static InferenceSession open(Engine engine, int threads, ModelHandle handle) {
        return open(engine, threads, handle.kvCacheMemory(), handle.kvCacheType());
    }


    /** Names the share in the pool's budget errors, e.g. "this task's share of kv_cache_memory (409600 bytes over 2 task slots)". */
    private static void describe(Consumer<String> budgetSource, long executorBudget) {
        int slots = ExecutorTaskSlots.count();
        if (slots > 1) {
            budgetSource.accept("this task's share of kv_cache_memory (" + MemoryUsage.size(KvCacheMemory.orDefault(executorBudget)) + " over "
                    + slots + " task slots)");
        }
    }
}
