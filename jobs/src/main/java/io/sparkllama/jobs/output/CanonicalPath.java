package io.sparkllama.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A path as given by a user, made absolute and canonical (scheme, authority, no {@code .}/{@code ..},
 * local symlinks resolved), so that two spellings of one place compare equal and nesting can be told.
 */
public record CanonicalPath(String scheme, String authority, String path) {
    public static CanonicalPath of(String given, Configuration conf) {
        try {
            Path p = new Path(given);
            FileSystem fs = p.getFileSystem(conf);
            URI q = fs.makeQualified(p).toUri().normalize();
            if ("file".equals(q.getScheme())) {
                return new CanonicalPath("file", "", realLocal(java.nio.file.Path.of(q.getPath())));
            }
            return new CanonicalPath(q.getScheme(), q.getAuthority() == null ? "" : q.getAuthority(), trimSlash(q.getPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve path " + given + " (" + e.getMessage() + ")", e);
        }
    }

    // Symlinks of the longest existing prefix are resolved; the part that does not exist yet is appended as written.
    private static String realLocal(java.nio.file.Path p) throws IOException {
        java.nio.file.Path existing = p.toAbsolutePath().normalize();
        Deque<String> rest = new ArrayDeque<>();
        while (existing.getParent() != null && !Files.exists(existing)) {
            rest.push(existing.getFileName().toString());
            existing = existing.getParent();
        }
        java.nio.file.Path real = existing.toRealPath();
        for (String part : rest) {
            real = real.resolve(part);
        }
        return trimSlash(real.toString());
    }

    private static String trimSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** True when {@code other} is this path or lies anywhere below it. */
    public boolean contains(CanonicalPath other) {
        if (!scheme.equals(other.scheme) || !authority.equals(other.authority)) {
            return false;
        }
        return other.path.equals(path) || other.path.startsWith(path.equals("/") ? "/" : path + "/");
    }

    /** The Hadoop path of this location. */
    public Path hadoopPath() {
        return new Path(toString());
    }

    /** A sibling in the same directory named {@code .<name><suffix>} (Spark's readers skip dot files). */
    public Path sibling(String suffix) {
        Path p = hadoopPath();
        return new Path(p.getParent(), "." + p.getName() + suffix);
    }

    @Override
    public String toString() {
        return scheme + "://" + authority + path;
    }
}
