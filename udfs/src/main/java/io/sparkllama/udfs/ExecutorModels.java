package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM: each is delivered ({@link ModelTransport}), checked and mapped
 * once, and shared by every task thread of the executor (the mapping is page cache, not heap).
 *
 * <p>Bounded by {@code model_cache_memory} (mapped plus repacked bytes of the cached engines):
 * before and after loading a model, least-recently-used engines are evicted until the rest fits.
 * A task holds its engine until the task completes (a reference count), so an evicted engine is
 * closed once its last task ends: its files unmapped and its off-heap repacked copies freed then
 * (their arena closed, not left to the garbage collector).
 * The model being loaded is never evicted, so one model over the budget still runs. Each task's
 * {@link #engine} call first checks the mapped files are as they were mapped ({@link MappedFileCheck}).
 */
public final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Object LOCK = new Object();
    /** In access order: the first entry is the least recently used. */
    private static final LinkedHashMap<String, Cached> ENGINES = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final AtomicInteger EVICTIONS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** One cached engine: loaded once, used by {@code users} running tasks. Guarded by {@link #LOCK} except the load itself. */
    static final class Cached {
        final String key;
        final String id;
        volatile Engine engine;
        volatile MappedFileCheck check;
        long bytes;
        int users;
        boolean evicted;

        Cached(String key, String id, long expectedBytes) {
            this.key = key;
            this.id = id;
            this.bytes = expectedBytes;
        }
    }

    /**
     * The engine of {@code handle}, held for the running Spark task (released when the task
     * completes); outside a task, not held (the driver's fail-fast check). Every call (each task's
     * first) checks its mapped files are unchanged.
     */
    public static Engine engine(ModelHandle handle) {
        Cached c = acquire(handle);
        TaskContext task = TaskContext.get();
        if (task == null) {
            release(c);
        } else {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> release(c));
        }
        c.check.verify(handle.id());
        return c.engine;
    }

    /** How many models this JVM has loaded: one per distinct handle while it stays cached, whatever the task count. */
    public static int loadCount() {
        return LOADS.get();
    }

    /** How many engines this JVM has evicted for {@code model_cache_memory}. */
    public static int evictionCount() {
        return EVICTIONS.get();
    }

    /** Keys of the cached engines, least recently used first (for tests and logs). */
    public static List<String> cachedModels() {
        synchronized (LOCK) {
            List<String> ids = new ArrayList<>();
            for (Cached c : ENGINES.values()) {
                ids.add(c.id);
            }
            return ids;
        }
    }

    /** Holds the engine of {@code h} (loading it when absent) until {@link #release}. */
    static Cached acquire(ModelHandle h) {
        long budget = budget(h);
        Cached c;
        synchronized (LOCK) {
            c = ENGINES.get(h.cacheKey());
            if (c == null) {
                long expected = 0;
                for (ModelFile f : h.allFiles()) {
                    expected += f.size();
                }
                c = new Cached(h.cacheKey(), h.id(), expected);
                ENGINES.put(c.key, c);
                evictFor(c, budget);
            }
            c.users++;
        }
        synchronized (c) { // one load per model; other models load in parallel
            if (c.engine == null) {
                try {
                    c.engine = load(h, c);
                } catch (RuntimeException | Error e) {
                    synchronized (LOCK) {
                        c.users--;
                        ENGINES.remove(c.key, c);
                    }
                    throw e;
                }
                synchronized (LOCK) {
                    c.bytes = c.engine.mappedBytes() + c.engine.repackedBytes();
                    evictFor(c, budget);
                }
            }
        }
        return c;
    }

    static void release(Cached c) {
        synchronized (LOCK) {
            c.users--;
            if (c.evicted && c.users == 0) {
                close(c);
            }
        }
    }

    /** Evicts least-recently-used engines other than {@code keep} until the cache fits {@code budget}. Holds {@link #LOCK}. */
    private static void evictFor(Cached keep, long budget) {
        long total = 0;
        for (Cached c : ENGINES.values()) {
            total += c.bytes;
        }
        Iterator<Cached> it = ENGINES.values().iterator();
        while (total > budget && it.hasNext()) {
            Cached c = it.next();
            if (c == keep || c.engine == null) {
                continue; // the model wanted now, or one still loading
            }
            it.remove();
            total -= c.bytes;
            c.evicted = true;
            EVICTIONS.incrementAndGet();
            LOG.info("spark-llama: evicting model {} ({} bytes) for {} under model_cache_memory = {} bytes; {} [pid {}]", c.id, c.bytes,
                    keep.id, budget, c.users == 0 ? "closed now" : "closed when its " + c.users + " running task(s) end",
                    ProcessHandle.current().pid());
            if (c.users == 0) {
                close(c);
            }
        }
    }

    private static void close(Cached c) {
        long repacked = c.engine.repackedBytes();
        c.engine.close();
        LOG.info("spark-llama: closed evicted model {}: files unmapped, {} bytes of repacked copies freed [pid {}]", c.id, repacked,
                ProcessHandle.current().pid());
    }

    /** {@code model_cache_memory} of the handle, or by default half this machine's physical memory. */
    static long budget(ModelHandle h) {
        if (h.modelCacheMemory() > 0) {
            return h.modelCacheMemory();
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / 2;
        }
        return Long.MAX_VALUE;
    }

    /** Loads the engine of {@code h} and records in {@code c} what its mapped files look like now. */
    private static Engine load(ModelHandle h, Cached c) {
        long t0 = System.nanoTime();
        ModelTransport.Local local = ModelTransport.materialize(h);
        Engine e = Engine.open(local.model(), local.tokenizer(), h.maxContext(), h.activations());
        c.check = MappedFileCheck.of(local.files());
        int n = LOADS.incrementAndGet();
        // Tests and operators grep this line to see one load per executor JVM.
        LOG.info("spark-llama: loaded model {} ({}) via {} in {} ms, {} bytes mapped, {} bytes repacked off-heap [load #{} in pid {}]",
                h.id(), e.description(), h.transport(), (System.nanoTime() - t0) / 1_000_000, e.mappedBytes(), e.repackedBytes(), n,
                ProcessHandle.current().pid());
        return e;
    }
}
