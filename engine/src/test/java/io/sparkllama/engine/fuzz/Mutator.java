package io.sparkllama.engine.fuzz;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Seeded corruptions of a real file: bit flips, random bytes, boundary integers written over
 * header fields, ASCII digit edits (for JSON), and truncations. One buffer is reused: each case
 * restores the original bytes it touched first.
 */
final class Mutator {
    private static final long[] INTERESTING = {0, 1, -1, 2, 7, 64, 255, 0x7F, 0x80, 0xFFFF, 0x7FFFFFFFL, 0x80000000L,
            0xFFFFFFFFL, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};

    private final byte[] original;
    private final byte[] buffer;
    private final int regionStart;
    private final int regionEnd;

    /** Mutations land in {@code [regionStart, regionEnd)} (the header); truncations anywhere. */
    Mutator(byte[] original, int regionStart, int regionEnd) {
        this.original = original;
        this.buffer = original.clone();
        this.regionStart = regionStart;
        this.regionEnd = Math.min(regionEnd, original.length);
    }

    /** The original bytes, untouched. */
    MemorySegment unmodified() {
        return MemorySegment.ofArray(original.clone());
    }

    /** The bytes of case {@code seed}: a corrupted copy, or a truncated one. */
    MemorySegment mutate(long seed) {
        System.arraycopy(original, 0, buffer, 0, original.length);
        Random rnd = new Random(seed);
        int span = regionEnd - regionStart;
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = regionStart + rnd.nextInt(span);
            switch (rnd.nextInt(6)) {
                case 0 -> buffer[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> buffer[at] = (byte) rnd.nextInt(256);
                case 2 -> writeLong(at, INTERESTING[rnd.nextInt(INTERESTING.length)], 4);
                case 3 -> writeLong(at, INTERESTING[rnd.nextInt(INTERESTING.length)], 8);
                case 4 -> buffer[at] = (byte) "0123456789-.e,:[]{}\"".charAt(rnd.nextInt(20));
                default -> {
                    // Truncation: a prefix of the (possibly already edited) file.
                    return MemorySegment.ofArray(buffer).asSlice(0, rnd.nextInt(original.length + 1));
                }
            }
        }
        return MemorySegment.ofArray(buffer);
    }

    private void writeLong(int at, long v, int bytes) {
        for (int i = 0; i < bytes && at + i < regionEnd; i++) {
            buffer[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
