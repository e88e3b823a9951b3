package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;

/**
 * Attention of a step's tokens at one layer, query heads split across the worker pool's threads
 * ({@link AttentionTask} does the work). Holds its task, made once: one per caller, like
 * {@link ForwardState}.
 */
final class ParallelAttention {
    private final WorkerPool pool;
    private final AttentionTask task = new AttentionTask();

    ParallelAttention(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Queries {@code st.q} of tokens [0, n) against their caches' keys and values of {@code layer},
     * results to {@code st.xb}; {@code positionsAttended} (the step's positions summed) sizes the work.
     */
    void run(ModelConfig c, ForwardState st, int layer, int n, long positionsAttended) {
        task.set(c, st, layer, n);
        int qDim = c.nHeads() * c.headSize();
        pool.parallelFor(c.nHeads(), 1, positionsAttended * qDim * 2, task);
    }
}
