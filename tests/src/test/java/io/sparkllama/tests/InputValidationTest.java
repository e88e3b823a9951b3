package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.datasets.ColumnTypeException;
import io.sparkllama.datasets.MalformedLineException;
import io.sparkllama.jobs.JobSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors before work, in one line naming file and line (issue 24 rows 8, 9, 10, 14): the driver
 * scans text inputs before the model is opened; malformed JSON lines follow bad_rows.
 */
class InputValidationTest {
    private static final String NO_MODEL = "/nonexistent/model-that-is-never-opened";

    @TempDir
    Path tmp;

    private String out() {
        return tmp.resolve("out").toString();
    }

    @Test
    void row8CsvWithAnUnterminatedQuoteIsRefusedNamingTheLine() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "id,text\n1,\"fine, quoted\"\n2,\"never closed\n3,swallowed\n");
        MalformedLineException e = assertThrows(MalformedLineException.class, () -> JobRunner.run("score", csv.toString(), out(), NO_MODEL));
        assertTrue(e.getMessage().startsWith("input file:" + csv + " line 3: a quoted field opens here and never closes"), e.getMessage());
        // Doubled quotes inside a quoted field, and quotes inside an unquoted field, are fine.
        Files.writeString(csv, "id,text\n1,\"she said \"\"hi\"\"\"\n2,a 5\" screen\n");
        JobSummary s = JobRunner.run("score", csv.toString(), out(), TestSpark.requireShared("models/stories260K").toString());
        assertEquals(2, s.rows());
    }

    @Test
    void row8InvalidUtf8IsRefusedTheSameWayInCsvAndJsonl() throws IOException {
        Path csv = tmp.resolve("latin1.csv");
        Files.write(csv, concat("id,text\n1,ok\n2,caf".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xE9}, "\n".getBytes()));
        MalformedLineException c = assertThrows(MalformedLineException.class, () -> JobRunner.run("score", csv.toString(), out(), NO_MODEL));
        assertEquals("input file:" + csv + " line 3: invalid UTF-8 (byte 0xe9 at byte offset 18); the file must be UTF-8: re-encode it"
                + " (iconv -f <its encoding> -t UTF-8)", c.getMessage());
        Path jsonl = tmp.resolve("latin1.jsonl");
        Files.write(jsonl, concat("{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \"caf".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xE9}, "\"}\n".getBytes()));
        MalformedLineException j = assertThrows(MalformedLineException.class, () -> JobRunner.run("score", jsonl.toString(), out(), NO_MODEL));
        assertTrue(j.getMessage().startsWith("input file:" + jsonl + " line 2: invalid UTF-8"), j.getMessage());
    }

    @Test
    void row9MixedJsonTypesInThePromptColumnAreRefused() throws IOException {
        Path jsonl = tmp.resolve("mixed.jsonl");
        Files.write(jsonl, List.of("{\"id\": 1, \"prompt\": \"a\"}", "{\"id\": 2, \"prompt\": {\"x\": 1}}"));
        ColumnTypeException e = assertThrows(ColumnTypeException.class, () -> JobRunner.run("generate", jsonl.toString(), out(), NO_MODEL));
        assertEquals("input file:" + jsonl + " line 2: column 'prompt' holds a JSON object {\"x\":1} where a string belongs; Spark"
                + " would run its JSON text as the prompt: quote it or fix the row", e.getMessage());
    }

    @Test
    void row10MalformedJsonLinesFailNameTheLineOrBecomeErrorRowsOrAreSkipped() throws IOException {
        Path jsonl = tmp.resolve("broken.jsonl");
        Files.write(jsonl, List.of("{\"id\": \"a\", \"text\": \"Once upon a time\"}", "", "{\"id\": \"b\", \"text\": \"There was\"",
                "{\"id\": \"c\", \"text\": \"a little girl\"}"));
        MalformedLineException fail = assertThrows(MalformedLineException.class, () -> JobRunner.run("score", jsonl.toString(), out(), NO_MODEL));
        assertTrue(fail.getMessage().startsWith("input file:" + jsonl + " line 3: not valid JSON ("), fail.getMessage());
        assertTrue(fail.getMessage().endsWith(": {\"id\": \"b\", \"text\": \"There was\"; fix the line, or set bad_rows=error (an error row)"
                + " or bad_rows=skip (leave it out)"), fail.getMessage());

        String model = TestSpark.requireShared("models/stories260K").toString();
        JobSummary error = JobRunner.run("score", jsonl.toString(), out(), model, "bad_rows=error");
        assertEquals(3, error.rows());
        assertEquals(1, error.errors());
        List<Row> rows = TestSpark.session().read().parquet(out()).collectAsList();
        assertEquals(3, rows.size());
        List<String> errors = rows.stream().map(r -> (String) r.getAs("error")).filter(java.util.Objects::nonNull).toList();
        assertEquals(List.of("malformed input line (not JSON): {\"id\": \"b\", \"text\": \"There was\""), errors);
        assertEquals(List.of("a", "c"), rows.stream().filter(r -> r.getAs("error") == null).map(r -> (String) r.getAs("id")).sorted().toList());

        JobSummary skip = JobRunner.run("score", jsonl.toString(), tmp.resolve("skipped").toString(), model, "bad_rows=skip");
        assertEquals(2, skip.rows());
        assertEquals(0, skip.errors());
        assertEquals(2, TestSpark.session().read().parquet(tmp.resolve("skipped").toString()).count());
    }

    @Test
    void aGlobInputIsScannedAsSparkReadsIt() throws IOException {
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Files.write(parts.resolve("a.jsonl"), List.of("{\"id\": 1, \"text\": \"Once upon a time\"}"));
        Files.write(parts.resolve("b.jsonl"), List.of("{\"id\": 2, \"text\": \"There was\"}", "{\"id\": 3, \"text\": \"a girl\"}"));
        Files.write(parts.resolve("c.txt"), List.of("not matched by the glob: \"unterminated"));
        JobSummary s = JobRunner.run("score", parts + "/*.jsonl", out(), TestSpark.requireShared("models/stories260K").toString());
        assertEquals(3, s.rows());
        io.sparkllama.datasets.InputTableException none = assertThrows(io.sparkllama.datasets.InputTableException.class,
                () -> JobRunner.run("score", parts + "/*.csv", tmp.resolve("o2").toString(), NO_MODEL));
        assertEquals("input file:" + parts + "/*.csv does not exist; check --input", none.getMessage());
    }

    @Test
    void row14AMapTypedIdIsRefusedBeforeAnythingIsWritten() {
        Path parquet = tmp.resolve("map-ids.parquet");
        StructType schema = new StructType().add("id", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType))
                .add("text", "string");
        TestSpark.session().createDataFrame(List.of(RowFactory.create(scalaMap("k", 1), "Once upon a time")), schema)
                .write().mode(SaveMode.Overwrite).parquet(parquet.toString());
        ColumnTypeException e = assertThrows(ColumnTypeException.class, () -> JobRunner.run("score", parquet.toString(), out(),
                TestSpark.requireShared("models/stories260K").toString()));
        assertEquals("input " + parquet + ": column 'id' has type map<string,int>, which holds a map; maps cannot be sorted or"
                + " compared, so use a string, number or struct id", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    private static scala.collection.Map<String, Integer> scalaMap(String k, int v) {
        return scala.jdk.javaapi.CollectionConverters.asScala(Map.of(k, v));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
