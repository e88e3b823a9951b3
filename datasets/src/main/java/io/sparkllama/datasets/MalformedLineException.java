package io.sparkllama.datasets;

/** An input file cannot be read as written: invalid UTF-8, an unterminated CSV quote, a JSON line that is not JSON. */
public class MalformedLineException extends InputTableException {
    public MalformedLineException(String file, long line, String what) {
        super("input " + file + " line " + line + ": " + what);
    }
}
