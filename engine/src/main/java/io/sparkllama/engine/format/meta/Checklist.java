package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.ChecksumMismatchException;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.format.MappedFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Meta's {@code checklist.chk}: {@code md5  filename} lines, checked for the files that are present. */
public final class Checklist {
    private static final long CHUNK = 1 << 24;

    private Checklist() {
    }

    /** Verifies every listed file of {@code dir} that exists; a mismatch names the file and both sums. */
    public static void verify(Path checklist) {
        Path dir = checklist.toAbsolutePath().getParent();
        String text;
        try {
            if (Files.size(checklist) > 1 << 20) {
                throw ModelFormatException.of(checklist, "too large for a checklist");
            }
            text = Files.readString(checklist);
        } catch (IOException e) {
            throw ModelFormatException.of(checklist, "cannot read (" + e.getMessage() + ")");
        }
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{32}")) {
                throw ModelFormatException.of(checklist, "line '" + line + "' is not 'md5  filename'");
            }
            String name = parts[1].startsWith("*") ? parts[1].substring(1) : parts[1];
            Path file = dir.resolve(name).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                continue;
            }
            String actual = md5(file);
            if (!actual.equalsIgnoreCase(parts[0])) {
                throw new ChecksumMismatchException(file + ": MD5 is " + actual + " but " + checklist + " records " + parts[0]
                        + ": the file is corrupt or incomplete; download it again");
            }
        }
    }

    static String md5(Path file) {
        try (MappedFile f = MappedFile.open(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            MemorySegment seg = f.segment();
            for (long off = 0; off < seg.byteSize(); off += CHUNK) {
                ByteBuffer buf = seg.asSlice(off, Math.min(CHUNK, seg.byteSize() - off)).asByteBuffer();
                md.update(buf);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }
}
