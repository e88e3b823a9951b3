package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.format.MappedFile;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * A parsed GGUF v2/v3 file: metadata, tensor directory and the mapped tensor data. Tensor data
 * stays in the mapping; {@link #tensorData} hands out views.
 */
public final class GgufFile {
    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;

    private final MappedFile file;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataOffset;

    GgufFile(MappedFile file, int version, GgufMetadata metadata, Map<String, GgufTensorInfo> tensors, long dataOffset) {
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataOffset = dataOffset;
    }

    /** Parses and validates {@code file}'s header; throws {@link GgufFormatException} naming the field at fault. */
    public static GgufFile read(MappedFile file) {
        return new GgufParser(file).parse();
    }

    public MappedFile file() {
        return file;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors by name, in file order. */
    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    /** Byte offset of the tensor data section in the file. */
    public long dataOffset() {
        return dataOffset;
    }

    /** A read-only view of {@code t}'s bytes (bounds checked when the header was parsed). */
    public MemorySegment tensorData(GgufTensorInfo t) {
        return file.segment().asSlice(dataOffset + t.offset(), t.byteSize());
    }
}
