package io.sparkllama.engine.format.meta;

/** What {@code torch._utils._rebuild_tensor_v2} describes: a strided view of a storage, in elements. */
public record TorchTensor(TorchStorage storage, long offset, long[] size, long[] stride) {

    /** Whether the view is row-major contiguous (the only layout that maps straight onto a matrix). */
    public boolean contiguous() {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }
}
