package io.sparkllama.engine.format.sentencepiece;

import io.sparkllama.engine.error.TokenizerFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A minimal reader of the protobuf wire format over a byte range: tags, varints, fixed32/64 and
 * length-delimited fields, each checked against the end of its enclosing message.
 */
final class ProtobufReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String file;
    private final MemorySegment seg;
    private long pos;
    private final long end;

    ProtobufReader(String file, MemorySegment seg, long start, long end) {
        this.file = file;
        this.seg = seg;
        this.pos = start;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    long position() {
        return pos;
    }

    /** The next tag: field number << 3 | wire type. */
    int tag() {
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) {
            throw fail("invalid field tag " + t);
        }
        return (int) t;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw fail("varint runs past the end of its message");
            }
            int b = seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw fail("varint longer than 10 bytes");
    }

    float fixed32Float() {
        need(4);
        float f = Float.intBitsToFloat(seg.get(INT, pos));
        pos += 4;
        return f;
    }

    /** A length-delimited field's [start, end) range, which the reader then skips. */
    long[] lengthDelimited() {
        long len = varint();
        if (len < 0) {
            throw fail("negative length");
        }
        need(len);
        long[] range = {pos, pos + len};
        pos += len;
        return range;
    }

    ProtobufReader nested(long[] range) {
        return new ProtobufReader(file, seg, range[0], range[1]);
    }

    byte[] bytes(long[] range) {
        return seg.asSlice(range[0], range[1] - range[0]).toArray(ValueLayout.JAVA_BYTE);
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LENGTH_DELIMITED -> lengthDelimited();
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw fail("unsupported wire type " + wireType);
        }
    }

    private void need(long n) {
        if (n > end - pos) {
            throw fail(n + " bytes needed but only " + (end - pos) + " left in the message");
        }
    }

    TokenizerFormatException fail(String problem) {
        return new TokenizerFormatException(file + ": protobuf at byte " + pos + ": " + problem);
    }
}
