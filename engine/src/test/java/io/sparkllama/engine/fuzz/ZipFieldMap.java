package io.sparkllama.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutable fields of a torch.save zip: the end-of-central-directory counts, size and offset;
 * every central directory entry's method, sizes, name/extra/comment lengths and local header
 * offset; every local header's method, sizes and name/extra lengths; and the first value of every
 * tensor storage (a weight the load check must find when it is not finite).
 */
final class ZipFieldMap {
    private final List<HeaderField> fields = new ArrayList<>();
    private final int firstEntryEnd;

    private ZipFieldMap(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = zip.length - 22;
        while (b.getInt(eocd) != 0x06054b50) {
            eocd--;
        }
        for (int off : new int[] {8, 10}) {
            fields.add(HeaderField.integer(eocd + off, 2));
        }
        fields.add(HeaderField.integer(eocd + 12, 4));
        fields.add(HeaderField.integer(eocd + 16, 4));
        int entries = b.getShort(eocd + 10) & 0xFFFF;
        int at = b.getInt(eocd + 16);
        int firstEnd = zip.length;
        for (int i = 0; i < entries; i++) {
            for (int off : new int[] {10, 20, 24, 28, 30, 32, 42}) {
                fields.add(HeaderField.integer(at + off, off >= 28 && off <= 32 ? 2 : off == 10 ? 2 : 4));
            }
            int nameLen = b.getShort(at + 28) & 0xFFFF;
            int extraLen = b.getShort(at + 30) & 0xFFFF;
            int commentLen = b.getShort(at + 32) & 0xFFFF;
            String name = new String(zip, at + 46, nameLen, StandardCharsets.UTF_8);
            int local = b.getInt(at + 42);
            for (int off : new int[] {8, 18, 22, 26, 28}) {
                fields.add(HeaderField.integer(local + off, off == 8 || off >= 26 ? 2 : 4));
            }
            int dataAt = local + 30 + (b.getShort(local + 26) & 0xFFFF) + (b.getShort(local + 28) & 0xFFFF);
            if (name.contains("/data/") && b.getInt(at + 20) >= 4) {
                fields.add(HeaderField.weight(dataAt, 4));
            }
            if (i == 0) {
                firstEnd = dataAt + b.getInt(at + 20);
            }
            at += 46 + nameLen + extraLen + commentLen;
        }
        this.firstEntryEnd = firstEnd;
    }

    static ZipFieldMap of(byte[] zip) {
        return new ZipFieldMap(zip);
    }

    List<HeaderField> fields() {
        return fields;
    }

    /** End of the first entry (torch.save writes data.pkl first), so byte flips land in the pickle. */
    int firstEntryEnd() {
        return firstEntryEnd;
    }
}
