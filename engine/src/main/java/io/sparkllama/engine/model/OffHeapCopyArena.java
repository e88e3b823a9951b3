package io.sparkllama.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The arena of one model's off-heap weight copies (repacked fp32 and int8 panels): shared by the
 * threads that read them, freed when the model closes (not whenever the garbage collector gets to
 * it), its bytes counted in a JVM-wide figure so that a release can be seen.
 */
public final class OffHeapCopyArena implements Arena {
    private static final AtomicLong LIVE = new AtomicLong();
    private final Arena arena = Arena.ofShared();
    private final AtomicLong bytes = new AtomicLong();

    /** Bytes of off-heap weight copies allocated and not yet freed in this JVM, all models together. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** Bytes this arena holds. */
    public long bytes() {
        return bytes.get();
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment s = arena.allocate(byteSize, byteAlignment);
        bytes.addAndGet(byteSize);
        LIVE.addAndGet(byteSize);
        return s;
    }

    @Override
    public MemorySegment.Scope scope() {
        return arena.scope();
    }

    /** Frees every copy; reading one after is an {@link IllegalStateException}, never a stale read. */
    @Override
    public void close() {
        arena.close();
        LIVE.addAndGet(-bytes.getAndSet(0));
    }
}
