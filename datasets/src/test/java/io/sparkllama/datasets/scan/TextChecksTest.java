package io.sparkllama.datasets.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.datasets.ColumnTypeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The input scan's byte-level checks: UTF-8 well-formedness, CSV quoting as Spark reads it, JSON lines. */
class TextChecksTest {
    private static boolean wellFormed(int... bytes) {
        Utf8Validator v = new Utf8Validator();
        for (int b : bytes) {
            if (!v.accept(b)) {
                return false;
            }
        }
        return v.complete();
    }

    @Test
    void utf8() {
        byte[] ok = "caf\u00e9 \u4e2d \ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        assertTrue(wellFormed(unsigned(ok)), "2, 3 and 4-byte characters");
        assertFalse(wellFormed('c', 'a', 'f', 0xE9, '\n'), "Latin-1 e-acute");
        assertFalse(wellFormed(0xC0, 0x80), "overlong NUL");
        assertFalse(wellFormed(0xE0, 0x80, 0x80), "overlong 3-byte form");
        assertFalse(wellFormed(0xED, 0xA0, 0x80), "a UTF-16 surrogate");
        assertFalse(wellFormed(0xF4, 0x90, 0x80, 0x80), "past U+10FFFF");
        assertFalse(wellFormed(0xE4, 0xB8), "cut inside a character");
        assertFalse(wellFormed(0x80), "a lone continuation byte");
    }

    private static CsvSyntax follow(String csv, char quote, char escape) {
        CsvSyntax q = new CsvSyntax(quote, escape, ',');
        long line = 1;
        for (byte b : csv.getBytes(StandardCharsets.UTF_8)) {
            q.accept(b & 0xff, line);
            if (b == '\n') {
                line++;
            }
        }
        q.end(line);
        return q;
    }

    private static long unterminated(String csv, char quote, char escape) {
        return follow(csv, quote, escape).unterminatedSince();
    }

    @Test
    void csvQuotesAsSparkReadsThem() {
        assertEquals(-1, unterminated("id,text\n1,\"a, \"\"b\"\"\nc\"\n2,x\n", '"', '"'), "doubled quotes and a newline inside quotes");
        assertEquals(-1, unterminated("id,text\n1,a 5\" screen\n", '"', '"'), "a quote inside an unquoted field is literal");
        assertEquals(3, unterminated("id,text\n1,\"ok\"\n2,\"never closed\n3,x\n", '"', '"'));
        assertEquals(-1, unterminated("id,text\n1,\"say \\\"hi\\\"\"\n", '"', '\\'), "backslash-escaped quotes (Spark's writer)");
        assertEquals(2, unterminated("id,text\n1,\"ends in an escape \\\"\n", '"', '\\'));
    }

    @Test
    void csvDialectViolationsNameTheLine() {
        CsvSyntax sparkFileAsRfc = follow("id,text\n1,\"say \\\"hi\\\"\"\n", '"', '"');
        assertEquals("a closing quote is followed by 'h' (a quote inside a quoted field must be written \"\")", sparkFileAsRfc.violation());
        assertEquals(2, sparkFileAsRfc.violationLine());
        CsvSyntax rfcFileAsSpark = follow("id,text\n1,\"say \"\"hi\"\"\"\n", '"', '\\');
        assertEquals(2, rfcFileAsSpark.violationLine(), "a doubled quote closes the field for backslash escapes");
        CsvSyntax fields = follow("id,text\n1,a\n2,b,c\n", '"', '"');
        assertEquals("has 3 fields where the header has 2 (a separator inside a field needs quotes)", fields.violation());
        assertEquals(3, fields.violationLine());
        CsvSyntax mixed = follow("id,text\r\n1,\"a\r\nb\"\r\n2,c\n", '"', '"');
        assertEquals("ends with LF where the lines before end with CRLF: use one line ending throughout the file", mixed.violation());
        assertEquals(4, mixed.violationLine());
        CsvSyntax crlf = follow("id,text\r\n1,\"a\nb\"\r\n2,\"\"\r\n3,\r\n", '"', '"');
        assertNull(crlf.violation(), "CRLF records; a LF inside quotes is text; empty fields");
        assertEquals("\r\n", crlf.lineSeparator());
        assertEquals("\n", follow("id,text\n1,\"a\r\nb\"\n", '"', '"').lineSeparator(), "a quoted CRLF in an LF file is text");
        assertEquals(2, follow("id,text\n1,\"C:\\\"\n", '"', '"').backslashQuoteLine(), "a backslash before a closing quote");
    }

    @Test
    void jsonLines() {
        JsonLineCheck check = new JsonLineCheck(List.of("prompt"));
        assertNull(check.check(bytes("{\"id\": 1, \"prompt\": \"a\"}"), len("{\"id\": 1, \"prompt\": \"a\"}"), "f", 1));
        assertNull(check.check(bytes("{\"id\": 1, \"prompt\": null}"), len("{\"id\": 1, \"prompt\": null}"), "f", 1));
        assertNull(check.check(bytes("[{\"id\": 1}, {\"id\": 2}]"), len("[{\"id\": 1}, {\"id\": 2}]"), "f", 1));
        assertTrue(check.check(bytes("{\"id\": 1"), len("{\"id\": 1"), "f", 1).startsWith("not valid JSON"));
        assertEquals("not a JSON object", check.check(bytes("42"), 2, "f", 1));
        assertTrue(check.check(bytes("{} {}"), 5, "f", 1).startsWith("not valid JSON"), "trailing tokens");
        ColumnTypeException e = assertThrows(ColumnTypeException.class,
                () -> check.check(bytes("{\"id\": 2, \"prompt\": 7}"), len("{\"id\": 2, \"prompt\": 7}"), "f.jsonl", 9));
        assertTrue(e.getMessage().startsWith("input f.jsonl line 9: column 'prompt' holds a number 7 where a string belongs"), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int len(String s) {
        return bytes(s).length;
    }

    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
