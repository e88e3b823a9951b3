package io.sparkllama.engine.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split one range of work between them, many times per token.
 *
 * <p>Dispatch allocates nothing: the caller thread takes the first chunk itself, workers spin
 * briefly on a generation counter (a forward step issues dispatches microseconds apart) and park
 * when idle; the caller likewise spins briefly for the workers to finish, then parks until the
 * last one unparks it. Nobody busy-waits for long, so the engine's threads give their cores back
 * to whatever shares the machine (GC, shuffle, other tasks). Chunk boundaries depend only on the
 * range, the grain and the thread count, and no kernel reduces across chunks, so results never
 * depend on which thread ran what.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /** Work over [start, end) on thread {@code worker} (0 is the caller), for tasks with per-thread scratch. */
    @FunctionalInterface
    public interface WorkerRangeTask {
        void run(int worker, int start, int end);
    }

    /** About 10-50 microseconds of spinning: covers the gap between a step's dispatches, not a wait on a preempted thread. */
    private static final int SPINS_BEFORE_PARK = 2_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private RangeTask task;
    private WorkerRangeTask workerTask;
    private int size;
    private int grain;
    private volatile Throwable failure;
    /** The thread waiting in {@link #dispatch}, unparked by the last worker to finish. */
    private volatile Thread caller;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int index = w + 1;
            Thread t = new Thread(() -> workerLoop(index), "spark-llama-worker-" + index);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over [0, size) split into one chunk per thread, chunk edges on multiples of
     * {@code grain}. Small ranges ({@code work} below a few tens of thousands of operations) run on
     * the caller alone: waking a thread costs more than it saves.
     */
    public void parallelFor(int size, int grain, long work, RangeTask task) {
        if (threads == 1 || work < 32_768 || size <= grain) {
            task.run(0, size);
            return;
        }
        this.task = task;
        dispatch(size, grain);
    }

    /** As {@link #parallelFor(int, int, long, RangeTask)}, telling the task which thread runs each chunk. */
    public void parallelFor(int size, int grain, long work, WorkerRangeTask task) {
        if (threads == 1 || work < 32_768 || size <= grain) {
            task.run(0, 0, size);
            return;
        }
        this.workerTask = task;
        dispatch(size, grain);
    }

    private void dispatch(int size, int grain) {
        this.size = size;
        this.grain = grain;
        caller = Thread.currentThread();
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runChunk(0);
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins > SPINS_BEFORE_PARK) {
                LockSupport.park(this); // spurious wake-ups just loop
            } else {
                Thread.onSpinWait();
            }
        }
        this.task = null;
        this.workerTask = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("worker failed", f);
        }
    }

    private void runChunk(int index) {
        int units = (size + grain - 1) / grain;
        int start = (int) Math.min(size, (long) units * index / threads * grain);
        int end = (int) Math.min(size, (long) units * (index + 1) / threads * grain);
        if (start < end) {
            RangeTask t = task;
            if (t != null) {
                t.run(start, end);
            } else {
                workerTask.run(index, start, end);
            }
        }
    }

    private void workerLoop(int index) {
        int seen = 0; // not the current value: the first dispatch may come before this thread runs
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins > SPINS_BEFORE_PARK) {
                    LockSupport.park(this);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runChunk(index);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Stops the workers and waits for them to exit, so that a closed pool holds no thread (an idle worker exits at once). */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true; // a cancelled Spark task closes its session from an interrupted thread
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
