package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.ZipFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The entries of a mapped zip file (what {@code torch.save} writes), read from the central
 * directory, ZIP64 included. Only stored (uncompressed) entries can be used: their bytes are
 * slices of the mapping. Every offset and size is checked against the file before use, each local
 * header must name its entry, and an entry's CRC-32 is verified when its bytes are first taken.
 */
public final class ZipArchive {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int STORED = 0;
    private static final long CRC_CHUNK = 1L << 30;

    /** One entry: where its bytes start in the file, how many, how they are compressed, and their CRC-32. */
    public record Entry(String name, int method, long dataOffset, long size, long crc) {
    }

    private final String path;
    private final MemorySegment seg;
    private final Map<String, Entry> entries;

    private ZipArchive(String path, MemorySegment seg, Map<String, Entry> entries) {
        this.path = path;
        this.seg = seg;
        this.entries = entries;
    }

    public static ZipArchive read(String path, MemorySegment seg) {
        long size = seg.byteSize();
        long eocd = findEndOfCentralDirectory(path, seg);
        long count = u16(seg, eocd + 10);
        long cdSize = u32(seg, eocd + 12);
        long cdOffset = u32(seg, eocd + 16);
        if (eocd >= 20 && seg.get(INT, eocd - 20) == ZIP64_LOCATOR_SIG) {
            long z64 = seg.get(LONG, eocd - 12);
            if (z64 < 0 || z64 > size - 56 || seg.get(INT, z64) != ZIP64_EOCD_SIG) {
                throw fail(path, "ZIP64 end of central directory at " + z64 + " is not where its locator says");
            }
            count = seg.get(LONG, z64 + 32);
            cdSize = seg.get(LONG, z64 + 40);
            cdOffset = seg.get(LONG, z64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
            throw fail(path, "central directory [" + cdOffset + ", +" + cdSize + ") lies outside the file of " + size + " bytes");
        }
        // Each central record takes at least 46 bytes: a count beyond that is a lie, refused before any allocation.
        if (count < 0 || count > cdSize / 46) {
            throw fail(path, "central directory claims " + count + " entries in " + cdSize + " bytes");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        long p = cdOffset;
        long end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            need(path, p, 46, end, "central directory entry " + i);
            if (seg.get(INT, p) != CENTRAL_SIG) {
                throw fail(path, "central directory entry " + i + " at " + p + " has a bad signature");
            }
            int flags = u16(seg, p + 8);
            int method = u16(seg, p + 10);
            long compressed = u32(seg, p + 20);
            long uncompressed = u32(seg, p + 24);
            int nameLen = u16(seg, p + 28);
            int extraLen = u16(seg, p + 30);
            int commentLen = u16(seg, p + 32);
            long local = u32(seg, p + 42);
            need(path, p + 46, (long) nameLen + extraLen + commentLen, end, "central directory entry " + i);
            String name = new String(seg.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            long[] z64 = {uncompressed, compressed, local};
            zip64Extra(path, seg, p + 46 + nameLen, extraLen, z64, name);
            uncompressed = z64[0];
            compressed = z64[1];
            local = z64[2];
            if ((flags & 1) != 0) {
                throw fail(path, "entry '" + name + "' is encrypted");
            }
            if (local < 0 || local > size - 30 || seg.get(INT, local) != LOCAL_SIG) {
                throw fail(path, "entry '" + name + "': local header at " + local + " is missing or outside the file");
            }
            int localNameLen = u16(seg, local + 26);
            if (localNameLen != nameLen || local + 30 + nameLen > size
                    || seg.asSlice(local + 30, nameLen).mismatch(seg.asSlice(p + 46, nameLen)) != -1) {
                throw fail(path, "entry '" + name + "': its local header at " + local + " names another entry");
            }
            long dataOffset = local + 30 + localNameLen + u16(seg, local + 28);
            if (compressed < 0 || dataOffset > size || compressed > size - dataOffset) {
                throw fail(path, "entry '" + name + "': " + compressed + " bytes at " + dataOffset
                        + " run past the end of the file (" + size + " bytes): truncated?");
            }
            if (method == STORED && compressed != uncompressed) {
                throw fail(path, "entry '" + name + "' is stored but its sizes differ (" + compressed + " vs " + uncompressed + ")");
            }
            entries.put(name, new Entry(name, method, dataOffset, compressed, u32(seg, p + 16)));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new ZipArchive(path, seg, entries);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The bytes of a stored entry as a slice of the mapping; compressed entries are refused. */
    public MemorySegment stored(Entry e) {
        if (e.method() != STORED) {
            throw fail(path, "entry '" + e.name() + "' is compressed (method " + e.method()
                    + "); tensors must be stored uncompressed to be memory-mapped: save with torch.save, not a zip tool");
        }
        MemorySegment data = seg.asSlice(e.dataOffset(), e.size());
        // One pass at memory speed; a flipped byte would otherwise pass as a plausible weight or pickle opcode.
        CRC32 crc = new CRC32();
        for (long at = 0; at < data.byteSize(); at += CRC_CHUNK) {
            crc.update(data.asSlice(at, Math.min(CRC_CHUNK, data.byteSize() - at)).asByteBuffer());
        }
        if (crc.getValue() != e.crc()) {
            throw fail(path, "entry '" + e.name() + "' has CRC-32 " + Long.toHexString(crc.getValue()) + " but the directory records "
                    + Long.toHexString(e.crc()) + ": the file is corrupt");
        }
        return data;
    }

    private static long findEndOfCentralDirectory(String path, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 22) {
            throw fail(path, "file has " + size + " bytes, too short for a zip archive");
        }
        long stop = Math.max(0, size - 22 - 0xFFFF);
        for (long p = size - 22; p >= stop; p--) {
            if (seg.get(INT, p) == EOCD_SIG && p + 22 + u16(seg, p + 20) == size) {
                return p;
            }
        }
        throw fail(path, "no zip end-of-central-directory record: not a zip archive or truncated");
    }

    /** Replaces the 0xFFFFFFFF placeholders in {@code values} (uncompressed, compressed, offset) from the ZIP64 extra field. */
    private static void zip64Extra(String path, MemorySegment seg, long p, int len, long[] values, String name) {
        long end = p + len;
        while (p + 4 <= end) {
            int id = u16(seg, p);
            int size = u16(seg, p + 2);
            if (p + 4 + size > end) {
                throw fail(path, "entry '" + name + "': extra field runs past its record");
            }
            if (id == 0x0001) {
                long q = p + 4;
                for (int i = 0; i < 3; i++) {
                    if (values[i] == 0xFFFFFFFFL) {
                        if (q + 8 > p + 4 + size) {
                            throw fail(path, "entry '" + name + "': ZIP64 extra field is too short");
                        }
                        values[i] = seg.get(LONG, q);
                        q += 8;
                    }
                }
            }
            p += 4 + size;
        }
    }

    private static void need(String path, long p, long n, long end, String what) {
        if (p + n > end) {
            throw fail(path, what + " runs past the central directory");
        }
    }

    private static int u16(MemorySegment seg, long p) {
        return Short.toUnsignedInt(seg.get(SHORT, p));
    }

    private static long u32(MemorySegment seg, long p) {
        return Integer.toUnsignedLong(seg.get(INT, p));
    }

    static ZipFormatException fail(String path, String problem) {
        return new ZipFormatException(path + ": " + problem);
    }
}
