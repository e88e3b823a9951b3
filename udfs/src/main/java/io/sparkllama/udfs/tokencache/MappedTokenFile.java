package io.sparkllama.udfs.tokencache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * A committed token file read back from a memory mapping, without copying its buffers: the file
 * is mapped once ({@link FileChannel#map} into an {@link Arena}), the footer and each record
 * batch's metadata are flatbuffers read in place, and each batch's body is wrapped as an
 * {@link ArrowBuf} over the mapped address whose {@link MappedMemory} reference manager neither
 * owns nor frees it. {@link VectorLoader} then slices that body, so the {@code id} offsets and
 * bytes and the {@code token_ids} offsets and int32 values are the page cache itself.
 *
 * <p>One exception, from Arrow Java itself: when a vector has no nulls (or only nulls) its
 * validity bitmap is materialized in the allocator (one bit per row), which is all this reader
 * allocates. {@link #tokens} copies a row's ids into the {@code int[]} the engine takes.
 *
 * <p>The file is checked before use (magic at both ends, footer length and flatbuffer, blocks
 * within the file, schema, uncompressed bodies, and every batch's offsets and counts through
 * Arrow's {@code validateFull}); anything else is a {@link CorruptTokenFileException}. There is no
 * checksum: a flipped bit inside a token value is not detected unless it leaves the vocabulary:
 * opened with a vocabulary size, every stored id is checked to lie in {@code [0, vocab)}.
 */
public final class MappedTokenFile implements AutoCloseable {
    private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
    // magic + 2 padding bytes at the start; footer, its int32 length and the magic at the end
    private static final int HEAD = 8;
    private static final int TAIL = 4 + MAGIC.length;

    private final Path file;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment mapped;
    private final List<ArrowBlock> blocks;
    private final BufferAllocator allocator = new RootAllocator();
    private final MappedMemory memory = new MappedMemory(allocator);
    private final VectorSchemaRoot root;
    private final VectorLoader loader;
    private final long rows;
    private int loadedBlock = -1;
    private long loadedFirstRow;
    private boolean closed;

    private MappedTokenFile(Path file, int vocab) {
        this.file = file;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            this.mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            release();
            throw new CorruptTokenFileException(file, "cannot map (" + e.getMessage() + ")", e);
        }
        try {
            ArrowFooter footer = footer();
            if (!footer.getSchema().equals(TokenFileLayout.schema())) {
                throw new CorruptTokenFileException(file, "schema " + footer.getSchema() + " is not the token cache's");
            }
            this.blocks = footer.getRecordBatches();
            long n = 0;
            for (ArrowBlock b : blocks) {
                n += recordBatch(b).length();
            }
            this.rows = n;
            this.root = VectorSchemaRoot.create(TokenFileLayout.schema(), allocator);
            this.loader = new VectorLoader(root);
            // Every batch's offsets and counts are checked once here, so a damaged body fails the
            // open (and the partition is rebuilt) rather than a read halfway through the task.
            for (int b = 0; b < blocks.size(); b++) {
                load(b);
                for (FieldVector v : root.getFieldVectors()) {
                    ValueVectorUtility.validateFull(v);
                }
                checkIds(b, vocab);
            }
            loadedBlock = -1;
        } catch (RuntimeException e) {
            release();
            throw e instanceof CorruptTokenFileException c ? c : new CorruptTokenFileException(file, "not an Arrow IPC file (" + e + ")", e);
        }
    }

    /** Maps and checks {@code file} (ids unchecked). */
    public static MappedTokenFile open(Path file) {
        return new MappedTokenFile(file, Integer.MAX_VALUE);
    }

    /** Maps and checks {@code file}, and that every id is below {@code vocab}: ids index the model's tables. */
    public static MappedTokenFile open(Path file, int vocab) {
        return new MappedTokenFile(file, vocab);
    }

    // The loaded batch's ids, all of them (the values buffer past the last offset is not read).
    private void checkIds(int batch, int vocab) {
        ListVector lists = (ListVector) root.getVector(TokenFileLayout.TOKEN_IDS);
        IntVector values = (IntVector) lists.getDataVector();
        int n = root.getRowCount() == 0 ? 0 : lists.getElementEndIndex(root.getRowCount() - 1);
        for (int i = 0; i < n; i++) {
            int id = values.get(i);
            if (id < 0 || id >= vocab) {
                throw new CorruptTokenFileException(file, "batch " + batch + " holds token id " + id + " at value " + i
                        + ", outside the vocabulary of " + vocab);
            }
        }
    }

    public long rows() {
        return rows;
    }

    /** Off-heap bytes Arrow allocated for the loaded batch: its validity bitmaps only (the rest is the mapping). */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /** The mapped bytes, for callers that check where the vectors' buffers point. */
    public MemorySegment mapping() {
        return mapped;
    }

    /** The batch holding {@code row}, loaded over the mapping; valid until the next call or {@link #close}. */
    public VectorSchemaRoot batchOf(long row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows + " in " + file);
        }
        if (loadedBlock < 0 || row < loadedFirstRow || row >= loadedFirstRow + root.getRowCount()) {
            long first = 0;
            for (int b = 0; b < blocks.size(); b++) {
                long len = recordBatch(blocks.get(b)).length();
                if (row < first + len) {
                    load(b);
                    loadedFirstRow = first;
                    break;
                }
                first += len;
            }
        }
        return root;
    }

    /** The id stored for {@code row}. */
    public String id(long row) {
        VectorSchemaRoot r = batchOf(row);
        return new String(((VarCharVector) r.getVector(TokenFileLayout.ID)).get((int) (row - loadedFirstRow)), StandardCharsets.UTF_8);
    }

    /** The token ids of {@code row}, or null if the row had nothing to tokenize. */
    public int[] tokens(long row) {
        VectorSchemaRoot r = batchOf(row);
        ListVector lists = (ListVector) r.getVector(TokenFileLayout.TOKEN_IDS);
        int i = (int) (row - loadedFirstRow);
        if (lists.isNull(i)) {
            return null;
        }
        IntVector values = (IntVector) lists.getDataVector();
        int start = lists.getElementStartIndex(i);
        int end = lists.getElementEndIndex(i);
        int[] out = new int[end - start];
        // One bulk copy from the mapped values into the engine's array.
        // One bulk copy from the mapped values into the engine's array; addressing the values
        // through the mapping also fails loudly should Arrow ever hand back a buffer outside it.
        long at = values.getDataBufferAddress() - mapped.address() + (long) start * Integer.BYTES;
        MemorySegment.copy(mapped, ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, out, 0, out.length);
        return out;
    }

    @Override
    public void close() {
        release();
    }

    private void load(int b) {
        ArrowBlock block = blocks.get(b);
        ArrowBuf body = memory.wrap(mapped.address() + block.getOffset() + block.getMetadataLength(), block.getBodyLength());
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(recordBatch(block), body)) {
            checkLayout(b, batch);
            loader.load(batch);
        } catch (CorruptTokenFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptTokenFileException(file, "record batch " + b + " does not load (" + e + ")", e);
        }
        loadedBlock = b;
    }

    // Checked on the batch's raw buffers before Arrow sees them: a list whose last offset points
    // past its values makes ListVector.setValueCount grow (reallocate and copy) the values, and
    // reads would run off the batch. Buffers: id validity, offsets, data; token_ids validity,
    // offsets; element validity, data.
    private void checkLayout(int b, ArrowRecordBatch batch) {
        List<org.apache.arrow.vector.ipc.message.ArrowFieldNode> nodes = batch.getNodes();
        List<ArrowBuf> buffers = batch.getBuffers();
        if (nodes.size() != 3 || buffers.size() != 7) {
            throw new CorruptTokenFileException(file, "batch " + b + " has " + nodes.size() + " nodes and " + buffers.size() + " buffers, not 3 and 7");
        }
        int n = batch.getLength();
        int elements = nodes.get(2).getLength();
        if (nodes.get(0).getLength() != n || nodes.get(1).getLength() != n || elements < 0) {
            throw new CorruptTokenFileException(file, "batch " + b + " node lengths " + nodes + " disagree with its " + n + " rows");
        }
        checkOffsets(b, TokenFileLayout.ID, buffers.get(1), n, buffers.get(2).capacity());
        checkOffsets(b, TokenFileLayout.TOKEN_IDS, buffers.get(4), n, elements);
        if (n > 0 && buffers.get(4).getInt((long) n * Integer.BYTES) != elements) {
            throw new CorruptTokenFileException(file, "batch " + b + " token_ids offsets end before its " + elements + " values");
        }
        if (buffers.get(6).capacity() < (long) elements * Integer.BYTES) {
            throw new CorruptTokenFileException(file, "batch " + b + " holds fewer token bytes than its " + elements + " values");
        }
    }

    private void checkOffsets(int b, String column, ArrowBuf offsets, int n, long limit) {
        if (n > 0 && offsets.capacity() < (long) (n + 1) * Integer.BYTES) {
            throw new CorruptTokenFileException(file, "batch " + b + " column " + column + " has too few offsets for " + n + " rows");
        }
        int previous = 0;
        for (int i = 0; i <= n && n > 0; i++) {
            int o = offsets.getInt((long) i * Integer.BYTES);
            if (o < previous || o > limit || (i == 0 && o != 0)) {
                throw new CorruptTokenFileException(file, "batch " + b + " column " + column + " offset " + i + " is " + o
                        + " (previous " + previous + ", limit " + limit + ")");
            }
            previous = o;
        }
    }

    private ArrowFooter footer() {
        long size = mapped.byteSize();
        if (size < HEAD + TAIL) {
            throw new CorruptTokenFileException(file, size + " bytes is too short for an Arrow IPC file");
        }
        if (!hasMagic(0) || !hasMagic(size - MAGIC.length)) {
            throw new CorruptTokenFileException(file, "no Arrow magic at " + (hasMagic(0) ? "the end (truncated?)" : "the start"));
        }
        int footerLength = mapped.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), size - TAIL);
        if (footerLength <= 0 || footerLength > size - HEAD - TAIL) {
            throw new CorruptTokenFileException(file, "footer length " + footerLength + " does not fit in " + size + " bytes");
        }
        ByteBuffer fb = slice(size - TAIL - footerLength, footerLength);
        ArrowFooter footer = new ArrowFooter(Footer.getRootAsFooter(fb));
        for (ArrowBlock b : footer.getRecordBatches()) {
            long end = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
            if (b.getOffset() < HEAD || b.getMetadataLength() < 8 || b.getBodyLength() < 0 || end > size - TAIL - footerLength) {
                throw new CorruptTokenFileException(file, "record batch block " + b + " lies outside the file's " + size + " bytes");
            }
        }
        return footer;
    }

    // The batch's metadata, read in place: an optional 0xFFFFFFFF continuation marker, the
    // flatbuffer's int32 length, then the flatbuffer Message.
    private RecordBatch recordBatch(ArrowBlock block) {
        long at = block.getOffset();
        int first = mapped.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at);
        long start = first == -1 ? at + 8 : at + 4;
        int length = first == -1 ? mapped.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at + 4) : first;
        if (length <= 0 || start + length > at + block.getMetadataLength()) {
            throw new CorruptTokenFileException(file, "record batch metadata at " + at + " has length " + length);
        }
        Message message = Message.getRootAsMessage(slice(start, length));
        if (message.headerType() != MessageHeader.RecordBatch) {
            throw new CorruptTokenFileException(file, "block at " + at + " is not a record batch");
        }
        RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
        if (batch == null || batch.compression() != null) {
            throw new CorruptTokenFileException(file, "record batch at " + at + " is compressed or empty; the cache writes plain buffers");
        }
        return batch;
    }

    private ByteBuffer slice(long offset, int length) {
        return mapped.asSlice(offset, length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private boolean hasMagic(long at) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (mapped.get(ValueLayout.JAVA_BYTE, at + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        if (root != null) {
            root.close();
        }
        allocator.close();
        arena.close();
    }
}
