package io.sparkllama.engine.settings;

import java.util.Locale;

/** The {@code kv_cache_memory} setting: bytes of KV cache one inference session may hold, and its default. */
public final class KvCacheMemory {
    private static final long MIB = 1L << 20;
    /** The least the default gives, so a small heap still serves a few thousand positions of a small model. */
    private static final long MIN_DEFAULT = 256 * MIB;

    private KvCacheMemory() {
    }

    /**
     * Half the JVM's max heap ({@code -Xmx}, i.e. the executor's or driver's memory), at least
     * 256 MiB. The blocks are off-heap, so on a cluster the executor's memory overhead
     * ({@code spark.executor.memoryOverhead}) must leave room for them, once per task slot.
     */
    public static long defaultBytes() {
        return Math.max(MIN_DEFAULT, Runtime.getRuntime().maxMemory() / 2);
    }

    /** {@code bytes} when positive, else {@link #defaultBytes()}. */
    public static long orDefault(long bytes) {
        return bytes > 0 ? bytes : defaultBytes();
    }

    /**
     * Parses a size as Spark writes them: a byte count, or a number with {@code k}, {@code m},
     * {@code g} or {@code t} (powers of 1024; a trailing {@code b} or {@code ib} is allowed).
     */
    public static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            double v = Double.parseDouble(digits.trim());
            if (!(v > 0) || Double.isInfinite(v) || digits.isBlank()) {
                throw new NumberFormatException();
            }
            return (long) Math.min(Long.MAX_VALUE, v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512m or 4g");
        }
    }
}
