package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM: each is delivered ({@link ModelTransport}), checked and mapped
 * once, and shared by every task thread of the executor (the mapping is page cache, not heap).
 * Kept until the JVM exits. Each task's {@link #engine} call first checks the mapped files are as
 * they were mapped ({@link MappedFileCheck}).
 */
public final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final ConcurrentHashMap<String, Engine> ENGINES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, MappedFileCheck> CHECKS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The handle's engine, loaded once; every call (each task's first) checks its mapped files are unchanged. */
    public static Engine engine(ModelHandle handle) {
        Engine e = ENGINES.computeIfAbsent(handle.cacheKey(), k -> load(handle));
        MappedFileCheck check = CHECKS.get(handle.cacheKey());
        if (check != null) {
            check.verify(handle.id());
        }
        return e;
    }

    /** How many models this JVM has loaded: one per distinct handle, whatever the task count. */
    public static int loadCount() {
        return LOADS.get();
    }

    private static Engine load(ModelHandle h) {
        long t0 = System.nanoTime();
        ModelTransport.Local local = ModelTransport.materialize(h);
        Engine e = Engine.open(local.model(), local.tokenizer(), h.maxContext(), h.activations());
        CHECKS.put(h.cacheKey(), MappedFileCheck.of(local.files()));
        int n = LOADS.incrementAndGet();
        // Tests and operators grep this line to see one load per executor JVM.
        LOG.info("spark-llama: loaded model {} ({}) via {} in {} ms [load #{} in pid {}]", h.id(), e.description(), h.transport(),
                (System.nanoTime() - t0) / 1_000_000, n, ProcessHandle.current().pid());
        return e;
    }
}
