package io.sparkllama.datasets.scan;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.datasets.CsvDialect;
import io.sparkllama.datasets.CsvOptions;
import io.sparkllama.datasets.InputFiles;
import io.sparkllama.datasets.MalformedLineException;
import io.sparkllama.datasets.TableReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The driver's one streamed pass over an input's files before any work: each file's sha256 (the
 * token cache's key), and for text formats the checks Spark's readers would get wrong silently or
 * with a stack trace: invalid UTF-8 (any text format), a CSV quote that never closes, JSON Lines
 * lines that are not JSON ({@link BadRows}) or whose text columns hold non-strings; for CSV, the
 * dialect that reads every file exactly ({@link CsvDialect}), or a refusal where none does. Errors
 * name the file and line.
 */
public final class InputScan {
    /** One input file as scanned. */
    public record ScannedFile(String uri, long size, String sha256) {
    }

    /**
     * @param malformedLines JSON lines that are not JSON (left to {@code bad_rows=error|skip})
     * @param csv            the dialect every CSV file was found in; null for other formats
     */
    public record Result(List<ScannedFile> files, long malformedLines, CsvDialect csv) {
    }

    private InputScan() {
    }

    /**
     * @param format      the input format as given (auto, parquet, jsonl, csv, text)
     * @param textColumns the string columns the job reads
     * @param digestAll   hash binary (Parquet) files too; text files are always read, so always hashed
     */
    public static Result scan(String input, String format, List<String> textColumns, BadRows badRows, boolean digestAll,
                              Configuration conf) {
        return scan(input, format, textColumns, badRows, CsvOptions.DEFAULT, digestAll, conf);
    }

    /** As above, CSV files read as {@code csv} says. */
    public static Result scan(String input, String format, List<String> textColumns, BadRows badRows, CsvOptions csv,
                              boolean digestAll, Configuration conf) {
        String f = TableReader.resolveFormat(input, format);
        boolean text = !f.equals("parquet");
        List<ScannedFile> out = new ArrayList<>();
        long malformed = 0;
        List<CsvDialect> dialects = null;
        String dialectFile = null;
        for (FileStatus s : InputFiles.list(input, conf)) {
            if (!text && !digestAll) {
                out.add(new ScannedFile(s.getPath().toString(), s.getLen(), null));
                continue;
            }
            FileScan scan = new FileScan(s.getPath().toString(), f, textColumns, badRows, csv);
            try (InputStream in = FileSystem.get(s.getPath().toUri(), conf).open(s.getPath())) {
                scan.read(in, text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read input file " + s.getPath() + " (" + e.getMessage() + ")", e);
            }
            out.add(new ScannedFile(s.getPath().toString(), s.getLen(), scan.sha256()));
            malformed += scan.malformed;
            if (scan.csv != null) {
                List<CsvDialect> fits = new ArrayList<>(scan.csv.dialects());
                if (dialects != null) {
                    fits.retainAll(dialects);
                    if (fits.isEmpty()) {
                        throw new MalformedLineException(s.getPath().toString(), 1, "written as CSV with " + describe(scan.csv.dialects())
                                + ", but " + dialectFile + " with " + describe(dialects) + "; Spark reads one input with one set of"
                                + " options: convert the files to one form, or read them as separate inputs");
                    }
                }
                dialects = fits;
                dialectFile = s.getPath().toString();
            }
        }
        return new Result(List.copyOf(out), malformed, dialects == null ? null : dialects.get(0));
    }

    private static String describe(List<CsvDialect> ds) {
        CsvDialect d = ds.get(0);
        return (ds.size() > 1 ? "either escape" : d.escapeName()) + " and " + (d.lineSeparator().equals("\r\n") ? "CRLF" : "LF") + " line endings";
    }

    /** One file's pass: digest, UTF-8, and the format's line checks. */
    private static final class FileScan {
        private final String file;
        private final String format;
        private final BadRows badRows;
        private final MessageDigest digest;
        private final Utf8Validator utf8 = new Utf8Validator();
        private final CsvDialectScan csv;
        private final JsonLineCheck json;
        private byte[] line = new byte[256];
        private int lineLength;
        private long lineNumber = 1;
        private long offset;
        private int lead;
        private long leadOffset;
        private long malformed;

        FileScan(String file, String format, List<String> textColumns, BadRows badRows, CsvOptions csvOptions) {
            this.file = file;
            this.format = format;
            this.csv = format.equals("csv") ? new CsvDialectScan(file, csvOptions) : null;
            this.badRows = badRows;
            this.json = new JsonLineCheck(textColumns);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no SHA-256 in this JVM", e);
            }
        }

        void read(InputStream in, boolean text) throws IOException {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
                if (text) {
                    for (int i = 0; i < n; i++) {
                        accept(buf[i] & 0xff);
                    }
                }
            }
            if (text) {
                end();
            }
        }

        private void accept(int b) {
            if (utf8.complete()) {
                lead = b;
                leadOffset = offset;
            }
            if (!utf8.accept(b)) {
                // Name the byte that began the bad sequence (a Latin-1 0xe9 is only found wrong at the byte after it).
                throw new MalformedLineException(file, lineNumber, String.format("invalid UTF-8 (byte 0x%02x at byte offset %d); the"
                        + " file must be UTF-8: re-encode it (iconv -f <its encoding> -t UTF-8)", lead, leadOffset));
            }
            offset++;
            switch (format) {
                case "csv" -> csv.accept(b, lineNumber);
                case "jsonl", "json" -> {
                    if (b == '\n') {
                        checkJsonLine();
                    } else {
                        append(b);
                    }
                }
                default -> { }
            }
            if (b == '\n') {
                lineNumber++;
            }
        }

        private void end() {
            if (!utf8.complete()) {
                throw new MalformedLineException(file, lineNumber, "invalid UTF-8 (the file ends inside a multi-byte character);"
                        + " the file must be UTF-8");
            }
            if (csv != null) {
                csv.end(lineNumber);
            }
            if (format.equals("jsonl") || format.equals("json")) {
                checkJsonLine();
            }
        }

        private void append(int b) {
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = (byte) b;
        }

        private void checkJsonLine() {
            int len = lineLength;
            lineLength = 0;
            if (isBlank(len)) {
                return; // Spark skips blank lines
            }
            String why = json.check(line, len, file, lineNumber);
            if (why == null) {
                return;
            }
            malformed++;
            if (badRows == BadRows.FAIL) {
                throw new MalformedLineException(file, lineNumber, why + ": " + JsonLineCheck.excerpt(line, len)
                        + "; fix the line, or set bad_rows=error (an error row) or bad_rows=skip (leave it out)");
            }
        }

        private boolean isBlank(int len) {
            for (int i = 0; i < len; i++) {
                byte c = line[i];
                if (c != ' ' && c != '\t' && c != '\r') {
                    return false;
                }
            }
            return true;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
