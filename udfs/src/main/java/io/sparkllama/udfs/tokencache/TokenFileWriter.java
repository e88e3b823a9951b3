package io.sparkllama.udfs.tokencache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes one partition's tokens as an Arrow IPC file, a record batch per {@link TokenFileLayout#ROWS_PER_BATCH}
 * rows, to a temporary name in the target's directory; {@link #commit} renames it atomically, so a
 * reader sees the whole file or none (a task that fails or stops early leaves only a temp file).
 */
public final class TokenFileWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final BufferAllocator allocator = new RootAllocator();
    private final VectorSchemaRoot root;
    private final FileChannel channel;
    private final ArrowFileWriter writer;
    private final List<String> ids = new ArrayList<>();
    private final List<int[]> tokens = new ArrayList<>();
    private boolean closed;

    public TokenFileWriter(Path target) {
        this.target = target;
        // Unique per attempt: concurrent or retried attempts of one partition never share a temp file.
        this.temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            allocator.close();
            throw new UncheckedIOException("token cache: cannot create " + temp + " (" + e.getMessage() + ")", e);
        }
        this.root = VectorSchemaRoot.create(TokenFileLayout.schema(), allocator);
        this.writer = new ArrowFileWriter(root, null, channel);
        try {
            writer.start();
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("token cache: cannot write " + temp + " (" + e.getMessage() + ")", e);
        }
    }

    /** Appends a row; {@code rowTokens} null for a row with nothing to tokenize. */
    public void add(String id, int[] rowTokens) {
        ids.add(id);
        tokens.add(rowTokens);
        if (ids.size() == TokenFileLayout.ROWS_PER_BATCH) {
            flush();
        }
    }

    /** Ends the file and renames it to its final name (replacing a corrupt one). */
    public void commit() {
        try {
            flush();
            writer.end();
            channel.force(true);
            release();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("token cache: cannot commit " + target + " (" + e.getMessage() + ")", e);
        }
    }

    /** Drops the temporary file; the partition stays uncached. Safe after {@link #commit}. */
    public void abort() {
        release();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a stray temp file is never read (readers open only committed names)
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void flush() {
        if (ids.isEmpty()) {
            return;
        }
        VarCharVector idVector = (VarCharVector) root.getVector(TokenFileLayout.ID);
        ListVector lists = (ListVector) root.getVector(TokenFileLayout.TOKEN_IDS);
        root.clear();
        idVector.allocateNew(ids.size());
        lists.allocateNew();
        IntVector elements = (IntVector) lists.getDataVector();
        int element = 0;
        for (int i = 0; i < ids.size(); i++) {
            idVector.setSafe(i, ids.get(i).getBytes(StandardCharsets.UTF_8));
            int[] t = tokens.get(i);
            if (t == null) {
                lists.setNull(i);
                continue;
            }
            lists.startNewValue(i);
            for (int v : t) {
                elements.setSafe(element++, v);
            }
            lists.endValue(i, t.length);
        }
        elements.setValueCount(element);
        idVector.setValueCount(ids.size());
        lists.setValueCount(ids.size());
        root.setRowCount(ids.size());
        try {
            writer.writeBatch();
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("token cache: cannot write " + temp + " (" + e.getMessage() + ")", e);
        }
        ids.clear();
        tokens.clear();
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (RuntimeException ignored) {
            // closing after a failed write: the channel is closed below either way
        }
        root.close();
        allocator.close();
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to flush: commit forced the data before releasing
        }
    }
}
