package io.sparkllama.datasets.scan;

import io.sparkllama.datasets.CsvDialect;
import io.sparkllama.datasets.CsvOptions;
import io.sparkllama.datasets.MalformedLineException;
import java.util.List;

/**
 * Finds the CSV dialect one file is written in. With {@code csv.escape=auto} the file is followed
 * as RFC 4180 (doubled quotes) and as Spark's writer writes it (backslash escapes) at once: the
 * one it is valid in reads it, and where both are valid but read a backslash before a quote
 * differently, it is refused rather than guessed; valid in both and read alike, either may read it
 * (the other files of the input decide). A given escape is followed alone. A file valid in none is
 * refused naming the line.
 */
final class CsvDialectScan {
    private static final char RFC_ESCAPE = '"';
    private static final char SPARK_ESCAPE = '\\';

    private final String file;
    private final CsvOptions options;
    private final CsvSyntax rfc;
    private final CsvSyntax backslash;
    private List<CsvDialect> dialects;

    CsvDialectScan(String file, CsvOptions options) {
        this.file = file;
        this.options = options;
        char first = options.autoEscape() ? RFC_ESCAPE : options.escape();
        this.rfc = new CsvSyntax(options.quote(), first, options.delimiter());
        this.backslash = options.autoEscape() ? new CsvSyntax(options.quote(), SPARK_ESCAPE, options.delimiter()) : null;
    }

    void accept(int b, long line) {
        if (b == 0) {
            // Spark's reader is told that NUL marks a null field (CsvDialect), so none may be in the text.
            throw new MalformedLineException(file, line, "a NUL byte (0x00), which CSV text cannot hold: this is not a text file,"
                    + " or remove the byte");
        }
        rfc.accept(b, line);
        if (backslash != null) {
            backslash.accept(b, line);
        }
    }

    void end(long line) {
        rfc.end(line);
        if (backslash == null) {
            refuseUnless(rfc);
            dialects = List.of(dialect(rfc, options.escape()));
            return;
        }
        backslash.end(line);
        boolean rfcValid = valid(rfc);
        boolean backslashValid = valid(backslash);
        if (rfcValid && backslashValid && rfc.backslashQuoteLine() < 0) {
            dialects = List.of(dialect(rfc, RFC_ESCAPE), dialect(backslash, SPARK_ESCAPE));
        } else if (rfcValid && !backslashValid) {
            dialects = List.of(dialect(rfc, RFC_ESCAPE));
        } else if (backslashValid && !rfcValid) {
            dialects = List.of(dialect(backslash, SPARK_ESCAPE));
        } else if (rfcValid) {
            throw new MalformedLineException(file, rfc.backslashQuoteLine(), "\\\" inside a quoted field reads as a backslash"
                    + " and a quote in RFC 4180 CSV (pandas, pyarrow, DuckDB) but as a quote alone in the CSV Spark writes, and"
                    + " this file is valid as both: set csv.escape=\" (RFC 4180) or csv.escape=\\ (Spark's writer)");
        } else {
            refuseUnless(rfc);
        }
    }

    private static boolean valid(CsvSyntax s) {
        return s.violation() == null && s.unterminatedSince() < 0;
    }

    private CsvDialect dialect(CsvSyntax s, char escape) {
        return new CsvDialect(options.quote(), escape, options.delimiter(), s.lineSeparator());
    }

    private void refuseUnless(CsvSyntax s) {
        String hint = options.autoEscape() ? " (read neither as RFC 4180 CSV nor as the CSV Spark writes)" : "";
        if (s.unterminatedSince() > 0) {
            throw new MalformedLineException(file, s.unterminatedSince(), "a quoted field opens here and never closes, so every"
                    + " row after it would be swallowed into it: close the quote (a quote inside a quoted field is written as "
                    + (options.autoEscape() || options.escape() == options.quote() ? "\"\"" : options.escape() + "\"") + ")" + hint);
        }
        if (s.violation() != null) {
            throw new MalformedLineException(file, s.violationLine(), s.violation() + hint);
        }
    }

    /** The dialects that read the file exactly, the same way (RFC 4180 first); never empty. */
    List<CsvDialect> dialects() {
        return dialects;
    }
}
