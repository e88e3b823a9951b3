package io.sparkllama.jobs.sweep;

import io.sparkllama.udfs.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of a file, or of a directory's regular files in name order, local or at a Hadoop URI
 * ({@code hdfs://}, {@code s3a://}); memoized per path for one sweep.
 */
public final class FileDigest {
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private FileDigest() {
    }

    public static String sha256(Path path) {
        return fileSha256(path.toString());
    }

    /** The file or directory at a local path or a Hadoop URI, as a sweep file names it. */
    public static String fileSha256(String pathOrUri) {
        ModelLocation where = ModelLocation.of(pathOrUri);
        return CACHE.computeIfAbsent(where.source(), k -> compute(where));
    }

    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    // A local path and a Hadoop URI are read alike (ModelLocation lists a directory's files in name order).
    private static String compute(ModelLocation where) {
        MessageDigest md = digest();
        try {
            if (!where.exists()) {
                throw new SweepException(where + ": file not found (a sweep's model or task file)");
            }
            byte[] buf = new byte[1 << 16];
            for (ModelLocation f : where.isDirectory() ? where.filesInside() : List.of(where)) {
                try (InputStream in = f.open()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + where + " to hash it", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
