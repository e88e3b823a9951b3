package io.sparkllama.udfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.broadcast.Broadcast;

/**
 * Executor side of a model's delivery: makes the handle's files present on this node, checks each
 * against the driver's sha256, and says where to map them from.
 *
 * <ul>
 *   <li>{@code path}: the file (a local path, the same on every node, or any Hadoop URI) is copied
 *       once into this executor's local dir, hashed as it is copied, and the private copy is
 *       mapped: a model file overwritten or truncated in place while the job runs can then neither
 *       change the rows nor fault the JVM (a change before the copy fails the sha256 check);</li>
 *   <li>{@code spark-files}: the files Spark fetched for {@code SparkContext.addFile};</li>
 *   <li>{@code broadcast}: the file's torrent-broadcast pieces written to the local dir in order.</li>
 * </ul>
 * A directory model is rebuilt as a flat directory of its files, so the engine resolves it as on the driver.
 * Copies are read-only and verified before they are mapped: the executor maps exactly the bytes the driver hashed.
 */
public final class ModelTransport {
    private ModelTransport() {
    }

    /**
     * Local model and tokenizer paths to open.
     *
     * @param files the delivered files themselves (a directory model's too), to watch for changes; empty when opened in place
     */
    public record Local(Path model, Path tokenizer, List<Path> files) {
    }

    public static Local materialize(ModelHandle h) {
        if (h.files().isEmpty()) {
            // A handle without digests (ModelHandle.local): open in place.
            return new Local(ModelLocation.of(h.model()).localPath(), h.tokenizer() == null ? null : ModelLocation.of(h.tokenizer()).localPath(),
                    List.of());
        }
        Path dir = localRoot().resolve("spark-llama-model-" + Integer.toHexString(h.cacheKey().hashCode()));
        List<ModelFile> all = h.allFiles();
        Path[] local = new Path[all.size()];
        for (int i = 0; i < all.size(); i++) {
            local[i] = deliver(h, i, all.get(i), dir);
        }
        Path tokenizer = h.tokenizerFile() == null ? null : local[all.size() - 1];
        Path model;
        if (!h.directory()) {
            model = local[0];
        } else {
            model = flatDirectory(dir.resolve("model"), h.files(), local);
        }
        return new Local(model, tokenizer, List.of(local));
    }

    private static Path deliver(ModelHandle h, int index, ModelFile f, Path dir) {
        switch (h.transport()) {
            case "path" -> {
                ModelLocation source = ModelLocation.of(f.source());
                return copyOnce(dir.resolve(f.name()), f, source::open);
            }
            case "spark-files" -> {
                ModelLocation fetched = ModelLocation.of(SparkFiles.get(f.name()));
                if (!fetched.exists()) {
                    // Seen on YARN: files the driver added with addFile did not reach the executors' files directory.
                    throw new ModelTransferException("model file " + f.name() + " (model_transport=spark-files) is not among the files Spark"
                            + " fetched to this executor (" + SparkFiles.getRootDirectory() + "); on YARN also pass the model's files with"
                            + " --files, or use model_transport=path with a URI every node can read (docs/model-delivery.md)", null);
                }
                Sha256.verify(fetched, f, "spark-files transport");
                return fetched.localPath();
            }
            case "broadcast" -> {
                List<Broadcast<byte[]>> pieces = h.chunks().get(index);
                return copyOnce(dir.resolve(f.name()), f, () -> new PiecesStream(pieces));
            }
            default -> throw new IllegalArgumentException("unknown model transport '" + h.transport() + "'");
        }
    }

    private interface Source {
        InputStream open() throws IOException;
    }

    // Written under a temporary name, hashed while written, made read-only and moved into place, so
    // a half-written or differing file is never mapped.
    private static Path copyOnce(Path target, ModelFile f, Source source) {
        try {
            if (Files.exists(target)) {
                Sha256.verify(ModelLocation.of(target.toString()), f, "local copy");
                return target;
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), f.name(), ".part");
            MessageDigest md = Sha256.newDigest();
            try (InputStream in = new DigestInputStream(source.open(), md); OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(f.sha256())) {
                Files.deleteIfExists(tmp);
                throw Sha256.mismatch(ModelLocation.of(f.source()), f, actual, "copy on this executor");
            }
            tmp.toFile().setReadOnly();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new ModelTransferException("cannot copy model file " + f.source() + " to " + target + " (" + e.getMessage() + ")", e);
        }
    }

    private static Path flatDirectory(Path dir, List<ModelFile> files, Path[] local) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < files.size(); i++) {
                Path link = dir.resolve(files.get(i).name());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, local[i].toAbsolutePath());
                }
            }
            return dir;
        } catch (IOException e) {
            throw new ModelTransferException("cannot lay out model directory " + dir + " (" + e.getMessage() + ")", e);
        }
    }

    /** This executor's local dir for model copies (Spark's per-application files dir when Spark runs). */
    static Path localRoot() {
        if (SparkEnv.get() != null) {
            return Path.of(SparkFiles.getRootDirectory());
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The broadcast pieces of one file read back as one stream, fetching one piece at a time. */
    private static final class PiecesStream extends InputStream {
        private final List<Broadcast<byte[]>> pieces;
        private int next;
        private byte[] current = new byte[0];
        private int pos;

        PiecesStream(List<Broadcast<byte[]>> pieces) {
            this.pieces = pieces;
        }

        private boolean fill() {
            while (pos >= current.length) {
                if (next >= pieces.size()) {
                    return false;
                }
                current = pieces.get(next++).value();
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
