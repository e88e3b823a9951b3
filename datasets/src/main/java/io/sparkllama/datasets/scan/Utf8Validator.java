package io.sparkllama.datasets.scan;

/** Checks a byte stream is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), one byte at a time. */
final class Utf8Validator {
    private int need;
    private int codePoint;
    private int min;

    /** False when {@code b} (0-255) cannot continue a well-formed UTF-8 stream. */
    boolean accept(int b) {
        if (need == 0) {
            if (b < 0x80) {
                return true;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return start(1, b & 0x1F, 0x80);
            }
            if (b >= 0xE0 && b <= 0xEF) {
                return start(2, b & 0x0F, 0x800);
            }
            if (b >= 0xF0 && b <= 0xF4) {
                return start(3, b & 0x07, 0x10000);
            }
            return false;
        }
        if ((b & 0xC0) != 0x80) {
            return false;
        }
        codePoint = (codePoint << 6) | (b & 0x3F);
        if (--need == 0) {
            return codePoint >= min && codePoint <= 0x10FFFF && (codePoint < 0xD800 || codePoint > 0xDFFF);
        }
        return true;
    }

    private boolean start(int continuation, int bits, int lowest) {
        need = continuation;
        codePoint = bits;
        min = lowest;
        return true;
    }

    /** True when no multi-byte sequence is left open. */
    boolean complete() {
        return need == 0;
    }
}
