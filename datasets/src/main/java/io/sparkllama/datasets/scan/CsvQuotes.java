package io.sparkllama.datasets.scan;

/**
 * Follows CSV quoting byte by byte as Spark's reader does (a quote opens a field only at its
 * start; inside, the escape character, or a doubled quote when escape and quote are one, keeps a
 * quote literal), to find a quoted field still open at the end of the file: such a field would
 * silently swallow every row after it.
 */
final class CsvQuotes {
    private enum State { FIELD_START, UNQUOTED, QUOTED, ESCAPED, QUOTE_SEEN }

    private final int quote;
    private final int escape;
    private final int delimiter;
    private State state = State.FIELD_START;
    private long openedAtLine;

    CsvQuotes(char quote, char escape, char delimiter) {
        this.quote = quote;
        this.escape = escape;
        this.delimiter = delimiter;
    }

    void accept(int b, long line) {
        state = switch (state) {
            case FIELD_START -> {
                if (b == quote) {
                    openedAtLine = line;
                    yield State.QUOTED;
                }
                yield b == delimiter || b == '\n' || b == '\r' ? State.FIELD_START : State.UNQUOTED;
            }
            case UNQUOTED -> b == delimiter || b == '\n' ? State.FIELD_START : State.UNQUOTED;
            case QUOTED -> b == escape && escape != quote ? State.ESCAPED : b == quote ? State.QUOTE_SEEN : State.QUOTED;
            case ESCAPED -> State.QUOTED;
            case QUOTE_SEEN -> {
                if (b == quote && escape == quote) {
                    yield State.QUOTED;
                }
                yield b == delimiter || b == '\n' || b == '\r' ? State.FIELD_START : State.UNQUOTED;
            }
        };
    }

    /** The line where a quoted field opened that never closed, or -1. */
    long unterminatedSince() {
        return state == State.QUOTED || state == State.ESCAPED ? openedAtLine : -1;
    }
}
