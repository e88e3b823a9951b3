package io.sparkllama.datasets.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.datasets.CsvDialect;
import io.sparkllama.datasets.CsvOptions;
import io.sparkllama.datasets.MalformedLineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's scan picks the CSV dialect that reads each file exactly, or refuses the file naming the line. */
class CsvDialectScanTest {
    @TempDir
    Path tmp;

    private CsvDialect scan(String name, CsvOptions options, String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (int i = 0; i < files.length; i++) {
            Files.writeString(dir.resolve("part-" + i + ".csv"), files[i], StandardCharsets.UTF_8);
        }
        return InputScan.scan(dir.toString(), "csv", List.of("prompt"), BadRows.FAIL, options, false, new Configuration()).csv();
    }

    private String file(String name) {
        return "file:" + tmp.resolve(name).resolve("part-0.csv");
    }

    @Test
    void autoTellsRfc4180FromSparksWriterAndKeepsTheLineEnding() throws IOException {
        assertEquals(new CsvDialect('"', '"', ',', "\r\n"), scan("rfc", CsvOptions.DEFAULT, "id,prompt\r\n1,\"say \"\"hi\"\"\"\r\n"));
        assertEquals(new CsvDialect('"', '\\', ',', "\n"), scan("spark", CsvOptions.DEFAULT, "id,prompt\n1,\"say \\\"hi\\\"\"\n"));
        assertEquals(new CsvDialect('"', '"', ',', "\n"), scan("plain", CsvOptions.DEFAULT, "id,prompt\n1,no quotes at all\n"),
                "a file valid both ways without a backslash before a quote reads the same both ways");
        assertEquals(new CsvDialect('\'', '"', ';', "\n"), scan("given", new CsvOptions('\'', '"', ';'), "id;prompt\n1;'a;b'\n"));
    }

    @Test
    void aFileBothDialectsReadDifferentlyIsRefused() {
        // RFC 4180: rows 1 (prompt a\) and 2 (prompt b"); Spark's reading: one row, prompt a"<newline>2,b.
        MalformedLineException e = assertThrows(MalformedLineException.class, () -> scan("ambiguous", CsvOptions.DEFAULT,
                "id,prompt\n1,\"a\\\"\n2,b\"\n"));
        assertEquals("input " + file("ambiguous") + " line 2: \\\" inside a quoted field reads as a backslash and a quote in RFC 4180 CSV"
                + " (pandas, pyarrow, DuckDB) but as a quote alone in the CSV Spark writes, and this file is valid as both: set"
                + " csv.escape=\" (RFC 4180) or csv.escape=\\ (Spark's writer)", e.getMessage());
        assertEquals(new CsvDialect('"', '"', ',', "\n"), assertDoesNotThrow(() -> scan("chosen", new CsvOptions('"', '"', ','),
                "id,prompt\n1,\"a\\\"\n2,b\"\n")));
    }

    @Test
    void filesOfOneInputInDifferentDialectsAreRefused() {
        MalformedLineException e = assertThrows(MalformedLineException.class, () -> scan("mixed", CsvOptions.DEFAULT,
                "id,prompt\n1,\"say \"\"hi\"\"\"\n", "id,prompt\n2,\"say \\\"hi\\\"\"\n"));
        assertEquals("input " + "file:" + tmp.resolve("mixed").resolve("part-1.csv") + " line 1: written as CSV with escape \\ (\\\" inside"
                + " quotes) and LF line endings, but " + file("mixed") + " with RFC 4180 (\"\" inside quotes) and LF line endings;"
                + " Spark reads one input with one set of options: convert the files to one form, or read them as separate inputs",
                e.getMessage());
    }

    @Test
    void aFileInNeitherDialectOrWithANulIsRefusedNamingTheLine() {
        MalformedLineException fields = assertThrows(MalformedLineException.class, () -> scan("fields", CsvOptions.DEFAULT,
                "id,prompt\n1,a\n2,b,c\n"));
        assertEquals("input " + file("fields") + " line 3: has 3 fields where the header has 2 (a separator inside a field needs"
                + " quotes) (read neither as RFC 4180 CSV nor as the CSV Spark writes)", fields.getMessage());
        MalformedLineException nul = assertThrows(MalformedLineException.class, () -> scan("nul", CsvOptions.DEFAULT,
                "id,prompt\n1,a\u0000b\n"));
        assertEquals("input " + file("nul") + " line 2: a NUL byte (0x00), which CSV text cannot hold: this is not a text file, or"
                + " remove the byte", nul.getMessage());
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
