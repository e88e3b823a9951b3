package io.sparkllama.datasets.scan;

/**
 * Follows one CSV dialect byte by byte as Spark's reader parses it (a quote opens a field only at
 * its start; inside, the escape character, or a doubled quote when escape and quote are one, keeps
 * a quote literal) and records the first place the file leaves the dialect: a closing quote
 * followed by anything but a separator or line end, a record whose field count differs from the
 * header's, a line ending unlike the first one, a quoted field still open at the end (it would
 * swallow every later row). Spark reads such files without an error, but not as written.
 */
final class CsvSyntax {
    private enum State { FIELD_START, UNQUOTED, QUOTED, ESCAPED, QUOTE_SEEN, CLOSED_CR }

    private final int quote;
    private final int escape;
    private final int delimiter;
    private State state = State.FIELD_START;
    private int previous = -1;
    private long openedAtLine;
    private int fields = 1;
    private boolean recordEmpty = true;
    private int headerFields = -1;
    private long crlfEndings;
    private long lfEndings;
    private String violation;
    private long violationLine = -1;
    private long backslashQuoteLine = -1;

    CsvSyntax(char quote, char escape, char delimiter) {
        this.quote = quote;
        this.escape = escape;
        this.delimiter = delimiter;
    }

    void accept(int b, long line) {
        if (violation != null) {
            return;
        }
        state = switch (state) {
            case FIELD_START -> {
                if (b == quote) {
                    openedAtLine = line;
                    recordEmpty = false;
                    yield State.QUOTED;
                }
                yield unquoted(b, line);
            }
            case UNQUOTED -> unquoted(b, line);
            case QUOTED -> {
                if (b == escape && escape != quote) {
                    yield State.ESCAPED;
                }
                if (b == quote) {
                    if (previous == '\\') {
                        backslashQuote(line);
                    }
                    yield State.QUOTE_SEEN;
                }
                yield State.QUOTED;
            }
            case ESCAPED -> {
                if (b == quote) {
                    backslashQuote(line);
                }
                yield State.QUOTED;
            }
            case QUOTE_SEEN -> {
                if (b == quote && escape == quote) {
                    yield State.QUOTED;
                }
                if (b == '\r') {
                    yield State.CLOSED_CR;
                }
                if (b == delimiter || b == '\n') {
                    yield unquoted(b, line);
                }
                yield violate(line, "a closing quote is followed by " + shown(b) + " (a quote inside a quoted field must be written "
                        + (escape == quote ? "\"\"" : (char) escape + "\"") + ")");
            }
            case CLOSED_CR -> b == '\n' ? unquoted(b, line) : violate(line, "a closing quote is followed by a lone carriage return");
        };
        previous = b;
    }

    // Outside quotes: a separator starts a field, a newline ends the record (a CR before it is the
    // CRLF ending, not text).
    private State unquoted(int b, long line) {
        if (b == delimiter) {
            fields++;
            recordEmpty = false;
            return State.FIELD_START;
        }
        if (b == '\n') {
            endRecord(line, previous == '\r');
            return violation == null ? State.FIELD_START : state;
        }
        if (b != '\r') {
            recordEmpty = false;
        }
        return State.UNQUOTED;
    }

    private void endRecord(long line, boolean crlf) {
        if (crlf) {
            crlfEndings++;
        } else {
            lfEndings++;
        }
        if (crlfEndings > 0 && lfEndings > 0) {
            violate(line, "ends with " + (crlf ? "CRLF" : "LF") + " where the lines before end with " + (crlf ? "LF" : "CRLF")
                    + ": use one line ending throughout the file");
            return;
        }
        checkFieldCount(line);
    }

    private void checkFieldCount(long line) {
        if (!recordEmpty) {
            if (headerFields < 0) {
                headerFields = fields;
            } else if (fields != headerFields) {
                violate(line, "has " + fields + " fields where the header has " + headerFields + " (a separator inside a field"
                        + " needs quotes)");
            }
        }
        fields = 1;
        recordEmpty = true;
    }

    private void backslashQuote(long line) {
        if (backslashQuoteLine < 0) {
            backslashQuoteLine = line;
        }
    }

    private State violate(long line, String why) {
        violation = why;
        violationLine = line;
        return state;
    }

    private static String shown(int b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
    }

    /** At the end of the file: the last record's field count (it may lack a line ending). */
    void end(long line) {
        if (violation == null && (state == State.FIELD_START || state == State.UNQUOTED || state == State.QUOTE_SEEN)) {
            checkFieldCount(line);
        }
    }

    /** The line where a quoted field opened that never closed, or -1. */
    long unterminatedSince() {
        return violation == null && (state == State.QUOTED || state == State.ESCAPED) ? openedAtLine : -1;
    }

    /** Why the file is not in this dialect (null while it is), at {@link #violationLine()}. */
    String violation() {
        return violation;
    }

    long violationLine() {
        return violationLine;
    }

    /** The first line where a backslash stands right before a quote inside a quoted field, or -1. */
    long backslashQuoteLine() {
        return backslashQuoteLine;
    }

    /** The file's record separator: CRLF when its lines end so, else LF. */
    String lineSeparator() {
        return crlfEndings > 0 ? "\r\n" : "\n";
    }
}
