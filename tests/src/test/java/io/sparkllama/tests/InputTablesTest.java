package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.datasets.ColumnTypeException;
import io.sparkllama.datasets.InputTableException;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21.4: input tables are read exactly as their writers wrote them. The generate job's output
 * carries each row's prompt as read, so every string below is compared, byte for byte, with what
 * the job saw: from the files under {@code src/test/resources/input-tables/} (RFC 4180 CSV with CRLF
 * records, CSV as Spark's writer writes it, JSON Lines with CRLF line endings, Parquet with an unused
 * nanosecond timestamp column as pyarrow writes by default) and from tables Spark's own CSV, JSON and
 * Parquet writers write here.
 */
class InputTablesTest {
    /** Row i + 1's prompt in every fixture; null is a null prompt, "" an empty one. */
    static final String[] WRITTEN = {"Once upon a time", "She said \"hi\", then left.", "line one\nline two", "crlf one\r\ncrlf two", "",
            null, "  spaces kept  ", "unicode: h\u00e9llo \u4e16\u754c \ud83d\ude42", "back\\slash and C:\\path\\",
            "an escaped quote \\\" and a, comma\\"};
    private static final Path FIXTURES = Path.of("src/test/resources/input-tables");

    @TempDir
    Path tmp;

    private static String model() {
        return TestSpark.requireShared("models/stories260K").toString();
    }

    @Test
    void rfc4180CsvWithCrlfRecordsIsReadExactly() {
        assertReadExactly(FIXTURES.resolve("rfc4180-crlf.csv"));
        assertEquals(Map.of("quote", "\"", "escape", "\"", "separator", ",", "line_ending", "CRLF"), csvRecord("rfc4180-crlf.csv"));
    }

    @Test
    void csvAsSparksWriterWritesItIsReadExactly() {
        assertReadExactly(FIXTURES.resolve("spark-writer.csv"));
        assertEquals(Map.of("quote", "\"", "escape", "\\", "separator", ",", "line_ending", "LF"), csvRecord("spark-writer.csv"));
    }

    /** The CSV reading the run record holds for a fixture read by {@link #assertReadExactly}. */
    private Object csvRecord(String fixture) {
        return RunMetadata.read(tmp.resolve("out-" + fixture).toString(), new org.apache.hadoop.conf.Configuration()).get("input_csv");
    }

    @Test
    void jsonLinesWithCrlfLineEndingsAreReadExactly() {
        assertReadExactly(FIXTURES.resolve("crlf.jsonl"));
    }

    @Test
    void parquetWithAnUnusedNanosecondTimestampColumnIsReadExactly() {
        assertReadExactly(FIXTURES.resolve("nanosecond-timestamps.parquet"));
    }

    /** Issue 21's "done when": Spark's own writers, with their defaults, and every job reads back what they wrote. */
    @Test
    void tablesWrittenBySparksCsvJsonAndParquetWritersReadBackExactly() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < WRITTEN.length; i++) {
            rows.add(RowFactory.create(String.valueOf(i + 1), WRITTEN[i]));
        }
        var table = TestSpark.session().createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
                .add("prompt", DataTypes.StringType)).repartition(3);
        // Spark's CSV writer trims leading and trailing spaces unless told not to (a writer default, not a read).
        table.write().option("header", "true").option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
                .csv(tmp.resolve("spark.csv").toString());
        table.write().json(tmp.resolve("spark.jsonl").toString());
        table.write().parquet(tmp.resolve("spark.parquet").toString());
        for (String t : List.of("spark.csv", "spark.jsonl", "spark.parquet")) {
            assertReadExactly(tmp.resolve(t));
        }
        // The score job reads the same strings: its token ids are the tokenizer's for exactly the text written.
        Path scoreInput = tmp.resolve("score.csv");
        table.withColumnRenamed("prompt", "text").write().option("header", "true").option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false").csv(scoreInput.toString());
        Path out = tmp.resolve("score-out");
        JobRunner.run("score", scoreInput.toString(), out.toString(), model());
        Map<String, Row> scored = byId(out);
        try (io.sparkllama.engine.Engine engine = io.sparkllama.engine.Engine.open(Path.of(model()), null, 0)) {
            for (int i = 0; i < WRITTEN.length; i++) {
                Row r = scored.get(String.valueOf(i + 1));
                if (WRITTEN[i] == null || WRITTEN[i].isEmpty()) {
                    assertEquals(WRITTEN[i] == null ? "text is null" : "text is empty", r.getAs("error"));
                    continue;
                }
                List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
                int[] expected = engine.tokenizer().encode(WRITTEN[i], true);
                assertArrayEquals(expected, ids.stream().mapToInt(Integer::intValue).toArray(), "row " + (i + 1));
            }
        }
    }

    /** The loglikelihood job reads each context exactly: its logprobs are the engine's for the text written, to the bit. */
    @Test
    void theLoglikelihoodJobReadsContextsWrittenBySparksCsvWriterExactly() {
        String continuation = " and then they went home.";
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < WRITTEN.length; i++) {
            rows.add(RowFactory.create(String.valueOf(i + 1), WRITTEN[i], continuation));
        }
        Path csv = tmp.resolve("pairs.csv");
        TestSpark.session().createDataFrame(rows, new StructType().add("id", DataTypes.StringType).add("context", DataTypes.StringType)
                .add("continuation", DataTypes.StringType)).repartition(2).write().option("header", "true")
                .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false").csv(csv.toString());
        Path out = tmp.resolve("ll-out");
        JobRunner.run("loglikelihood", csv.toString(), out.toString(), model());
        Map<String, Row> byId = byId(out);
        assertEquals(WRITTEN.length, byId.size());
        try (io.sparkllama.engine.Engine engine = io.sparkllama.engine.Engine.open(Path.of(model()), null, 0);
             io.sparkllama.engine.score.Loglikelihood ll = engine.newLoglikelihood(1)) {
            for (int i = 0; i < WRITTEN.length; i++) {
                Row r = byId.get(String.valueOf(i + 1));
                if (WRITTEN[i] == null) {
                    assertEquals("context is null", r.getAs("error"));
                    continue;
                }
                // An empty context is BOS alone, not an error.
                io.sparkllama.engine.score.LoglikelihoodResult e = ll.compute(WRITTEN[i], continuation);
                assertNull(r.getAs("error"), "row " + (i + 1));
                assertEquals(e.contextTokens().length, (int) r.getAs("context_tokens"), "row " + (i + 1));
                assertEquals(e.sumLogprob(), (Double) r.getAs("sum_logprob"), 0, "row " + (i + 1));
            }
        }
    }

    @Test
    void aNonStringPromptColumnIsRefusedNamingTheColumnAndItsType() {
        Path parquet = tmp.resolve("numbers.parquet");
        TestSpark.session().createDataFrame(List.of(RowFactory.create(1L, 42L)), new StructType().add("id", DataTypes.LongType)
                .add("prompt", DataTypes.LongType)).write().parquet(parquet.toString());
        ColumnTypeException e = assertThrows(ColumnTypeException.class, () -> JobRunner.run("generate", parquet.toString(),
                tmp.resolve("out").toString(), model()));
        assertEquals("input " + parquet + ": column 'prompt' has type bigint where a string is needed: cast it when writing the"
                + " table (Spark: col(\"prompt\").cast(\"string\"))", e.getMessage());
    }

    /** A used column of a type Spark cannot read is one line naming the file, the column and its Parquet type, before any task. */
    @Test
    void aUsedNanosecondColumnIsRefusedNamingItsParquetType() {
        Path parquet = FIXTURES.resolve("nanosecond-ids.parquet");
        ColumnTypeException e = assertThrows(ColumnTypeException.class, () -> JobRunner.run("generate", parquet.toString(),
                tmp.resolve("out").toString(), model()));
        assertTrue(e.getMessage().startsWith("input file file:" + parquet.toAbsolutePath() + ": column 'id' has Parquet type optional int64"
                + " id (TIMESTAMP(NANOS,false)), which Spark cannot read ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); write it as another type"), e.getMessage());
    }

    @Test
    void repeatedIdsFailTheJobOrAreWarnedAbout() throws IOException {
        Path jsonl = Files.write(tmp.resolve("dup.jsonl"), List.of("{\"id\": \"a\", \"text\": \"Once\"}", "{\"id\": \"b\", \"text\": \"upon\"}",
                "{\"id\": \"a\", \"text\": \"a time\"}"));
        InputTableException e = assertThrows(InputTableException.class, () -> JobRunner.run("score", jsonl.toString(),
                tmp.resolve("out").toString(), model()));
        assertTrue(e.getMessage().startsWith("input file:" + jsonl + ": 1 rows of 3 repeat an id another row holds (e.g. id a, 2 rows);"),
                e.getMessage());
        JobSummary s = JobRunner.run("score", jsonl.toString(), tmp.resolve("out").toString(), model(), "duplicate_ids=warn");
        assertEquals(3, s.rows());
    }

    /** Relative paths are resolved on the driver; the run record holds absolute URIs. */
    @Test
    void theRunRecordHoldsAbsoluteUris() throws IOException {
        Path out = tmp.resolve("out");
        JobRunner.run("generate", FIXTURES.resolve("crlf.jsonl").toString(), out.toString(), model(), "max_tokens=1");
        Map<String, Object> record = RunMetadata.read(out.toString(), new org.apache.hadoop.conf.Configuration());
        assertEquals("file:" + FIXTURES.resolve("crlf.jsonl").toAbsolutePath().normalize(), record.get("input"));
        assertEquals("file:" + out, record.get("output"));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) record.get("model");
        assertEquals(Path.of(model()).toUri().toString(), m.get("path"));
    }

    private void assertReadExactly(Path input) {
        Path out = tmp.resolve("out-" + input.getFileName());
        JobSummary s = JobRunner.run("generate", input.toString(), out.toString(), model(), "max_tokens=1");
        assertEquals(WRITTEN.length, s.rows(), input.toString());
        Map<String, Row> byId = byId(out);
        assertEquals(WRITTEN.length, byId.size(), "one row per id: " + byId.keySet());
        for (int i = 0; i < WRITTEN.length; i++) {
            Row r = byId.get(String.valueOf(i + 1));
            String read = r.getAs("prompt");
            String what = input.getFileName() + " row " + (i + 1);
            if (WRITTEN[i] == null) {
                assertNull(read, what);
                assertEquals("prompt is null", r.getAs("error"), what);
            } else {
                assertArrayEquals(WRITTEN[i].getBytes(StandardCharsets.UTF_8), read.getBytes(StandardCharsets.UTF_8), what + ": " + read);
                assertEquals(WRITTEN[i].isEmpty() ? "prompt is empty" : null, r.getAs("error"), what);
            }
        }
    }

    /** Issue 19.5: a CSV's per-row numbers are strings; a non-number is that row's error, naming the column. */
    @Test
    void perRowNumbersAreReadFromCsvStrings() throws IOException {
        Path csv = tmp.resolve("budgets.csv");
        Files.writeString(csv, "id,prompt,max_tokens,temperature\n1,Once upon a time,3,0\n2,Once upon a time,1,\n3,Once upon a time,two,0\n");
        Path out = tmp.resolve("out-csv-numbers");
        JobRunner.run("generate", csv.toString(), out.toString(), model(), "max_tokens=6");
        Map<String, Row> rows = byId(out);
        assertBudget(rows.get("1"), 3);
        assertBudget(rows.get("2"), 1); // an empty cell is no value: the job's temperature (0)
        assertEquals("column 'max_tokens' holds 'two', not a number", rows.get("3").getAs("error"));
    }

    /** Issue 19.5: per-row settings of every integral type (tinyint, smallint, pyarrow's uint64 as decimal(20,0)) are taken. */
    @Test
    void perRowNumbersOfEveryIntegralTypeAreTaken() {
        Path table = tmp.resolve("integral.parquet");
        StructType schema = new StructType().add("id", DataTypes.StringType).add("prompt", DataTypes.StringType)
                .add("max_tokens", DataTypes.ByteType).add("top_k", DataTypes.ShortType).add("seed", DataTypes.createDecimalType(20, 0))
                .add("temperature", DataTypes.FloatType);
        java.math.BigDecimal seed = new java.math.BigDecimal("18446744073709551615"); // uint64's largest, as pyarrow writes it
        TestSpark.session().createDataFrame(List.of(
                RowFactory.create("greedy", "Once upon a time", (byte) 4, (short) 0, seed, 0f),
                RowFactory.create("top1", "Once upon a time", (byte) 4, (short) 1, seed, 1.5f)), schema).write().parquet(table.toString());
        Path out = tmp.resolve("out-integral");
        JobRunner.run("generate", table.toString(), out.toString(), model(), "max_tokens=9");
        Map<String, Row> rows = byId(out);
        assertBudget(rows.get("greedy"), 4);
        assertBudget(rows.get("top1"), 4);
        // top_k 1 (a smallint) samples the argmax whatever the temperature: the greedy tokens.
        assertEquals(rows.get("greedy").getList(rows.get("greedy").fieldIndex("token_ids")),
                rows.get("top1").getList(rows.get("top1").fieldIndex("token_ids")));
    }

    private static void assertBudget(Row r, int maxTokens) {
        assertNull(r.getAs("error"), () -> "row " + r.getAs("id") + ": " + r.getAs("error"));
        assertEquals(maxTokens, r.getList(r.fieldIndex("token_ids")).size(), () -> "row " + r.getAs("id"));
        assertEquals("length", r.getAs("finish_reason"), () -> "row " + r.getAs("id"));
    }

    private static Map<String, Row> byId(Path out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out.toString()).collectAsList()) {
            m.put(String.valueOf((Object) r.getAs("id")), r);
        }
        return m;
    }
}
