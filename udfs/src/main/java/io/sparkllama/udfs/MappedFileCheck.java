package io.sparkllama.udfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What an executor's mapped model files looked like when they were mapped (size, modification
 * time, inode, and a CRC of 16 pages spread over each file), checked again before each task's
 * first row: the mapped files are private copies no one should touch, and if something does, the
 * task fails with a {@link ModelChangedException} instead of scoring with other weights or
 * faulting the JVM on a truncated mapping. The check reads 64 KiB per file from the page cache.
 */
final class MappedFileCheck {
    private static final int SAMPLES = 16;
    private static final int PAGE = 4096;

    private record Snapshot(Path file, long size, long modifiedMillis, Object inode, long sampleCrc) {
    }

    private final List<Snapshot> files;

    private MappedFileCheck(List<Snapshot> files) {
        this.files = files;
    }

    static MappedFileCheck of(List<Path> files) {
        List<Snapshot> out = new ArrayList<>();
        for (Path f : files) {
            out.add(snapshot(f));
        }
        return new MappedFileCheck(List.copyOf(out));
    }

    /** @param model named in the error */
    void verify(String model) {
        for (Snapshot then : files) {
            Snapshot now = snapshot(then.file());
            String what = then.size() != now.size() ? "its size went from " + then.size() + " to " + now.size() + " bytes"
                    : !Objects.equals(then.inode(), now.inode()) ? "it was replaced by another file"
                    : then.modifiedMillis() != now.modifiedMillis() ? "its modification time changed"
                    : then.sampleCrc() != now.sampleCrc() ? "its content changed" : null;
            if (what != null) {
                throw new ModelChangedException("model " + model + ": the mapped file " + then.file() + " changed during the job ("
                        + what + "); nothing may write the executor's model copies: rerun the job");
            }
        }
    }

    private static Snapshot snapshot(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Snapshot(file, a.size(), a.lastModifiedTime().toMillis(), a.fileKey(), sample(file, a.size()));
        } catch (IOException e) {
            throw new ModelChangedException("the mapped model file " + file + " cannot be read any more (" + e.getMessage()
                    + "); nothing may remove the executor's model copies: rerun the job");
        }
    }

    private static long sample(Path file, long size) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer page = ByteBuffer.allocate(PAGE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < SAMPLES; i++) {
                long at = Math.max(0, Math.min(size - PAGE, (size / SAMPLES) * i));
                page.clear();
                ch.read(page, at);
                crc.update(page.flip());
            }
        }
        return crc.getValue();
    }
}
