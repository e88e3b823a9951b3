package io.sparkllama.jobs;

/**
 * Text from the data made safe to print on a terminal: control characters (C0, DEL, C1, which
 * include ESC sequences that move the cursor, recolor or retitle the terminal) are written as
 * escapes such as {@code \n} or {@code \x1b}, so a preview shows them instead of obeying them.
 */
final class TerminalText {
    private TerminalText() {
    }

    static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
