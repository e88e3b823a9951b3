package io.sparkllama.engine.format.gguf;

/**
 * One tensor's entry in a GGUF header.
 *
 * @param dims      ggml order: {@code dims[0]} is the row length (the fastest-varying dimension)
 * @param ggmlType  the raw ggml type code
 * @param offset    byte offset of the data relative to the start of the tensor data section
 * @param byteSize  bytes the data takes (validated against the file)
 */
public record GgufTensorInfo(String name, long[] dims, int ggmlType, long offset, long byteSize) {
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
