package io.sparkllama.udfs.tokencache;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OwnershipTransferResult;
import org.apache.arrow.memory.ReferenceManager;

/**
 * The reference manager of {@link ArrowBuf}s over a memory-mapped file: Arrow never frees them
 * (the mapping's {@code Arena} does), and a slice is a view at an offset of the same mapping.
 * Arrow's own {@link ReferenceManager#NO_OP} will not do: its {@code deriveBuffer} hands back the
 * whole parent buffer, so every vector sliced from a record batch body would start at the body's start.
 */
final class MappedMemory implements ReferenceManager {
    private final BufferAllocator allocator;

    /** @param allocator reported as the buffers' allocator; it never accounts for the mapped bytes */
    MappedMemory(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    /** A buffer over {@code length} mapped bytes at {@code address}. */
    ArrowBuf wrap(long address, long length) {
        return new ArrowBuf(this, null, length, address);
    }

    @Override
    public int getRefCount() {
        return 1;
    }

    @Override
    public boolean release() {
        return false;
    }

    @Override
    public boolean release(int decrement) {
        return false;
    }

    @Override
    public void retain() {
    }

    @Override
    public void retain(int increment) {
    }

    @Override
    public ArrowBuf retain(ArrowBuf srcBuffer, BufferAllocator targetAllocator) {
        return srcBuffer;
    }

    @Override
    public ArrowBuf deriveBuffer(ArrowBuf sourceBuffer, long index, long length) {
        return wrap(sourceBuffer.memoryAddress() + index, length);
    }

    @Override
    public OwnershipTransferResult transferOwnership(ArrowBuf sourceBuffer, BufferAllocator targetAllocator) {
        throw new UnsupportedOperationException("a memory-mapped token cache buffer cannot change owner");
    }

    @Override
    public BufferAllocator getAllocator() {
        return allocator;
    }

    @Override
    public long getSize() {
        return 0;
    }

    @Override
    public long getAccountedSize() {
        return 0;
    }
}
