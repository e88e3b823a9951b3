package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.TokenCacheCounts;
import io.sparkllama.udfs.tokencache.CorruptTokenFileException;
import io.sparkllama.udfs.tokencache.MappedTokenFile;
import io.sparkllama.udfs.tokencache.TokenFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token cache integrity (issue 24 rows 6 and 7): the key follows each input file's content (an
 * edit that keeps size and mtime is a new key), and a cached id outside the vocabulary makes the
 * file corrupt: deleted, rebuilt, and the job's rows correct.
 */
class TokenCacheIntegrityTest {
    private static final int ROWS = 300;

    @TempDir
    Path tmp;

    private static List<String> lines(String word) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            lines.add(String.format("{\"id\": \"r%03d\", \"text\": \"Once upon a time a %s saw %03d birds.\"}", i, word, i));
        }
        return lines;
    }

    @Test
    void row6AnEditKeepingSizeAndMtimeIsNotACacheHit() throws IOException {
        String model = TestSpark.requireShared("models/stories260K").toString();
        Path input = Files.write(tmp.resolve("in.jsonl"), lines("cat"));
        String cache = "token_cache=" + tmp.resolve("cache");
        JobSummary first = JobRunner.run("score", input.toString(), tmp.resolve("o1").toString(), model, cache, "partitions=2");
        assertEquals(ROWS, first.tokenCache().tokenizedRows());

        FileTime mtime = Files.getLastModifiedTime(input);
        long size = Files.size(input);
        Files.write(input, lines("dog")); // same length, as cp -p / rsync -a / tar would leave it
        Files.setLastModifiedTime(input, mtime);
        assertEquals(size, Files.size(input));

        JobSummary second = JobRunner.run("score", input.toString(), tmp.resolve("o2").toString(), model, cache, "partitions=2");
        assertNotEquals(first.tokenCache().directory(), second.tokenCache().directory(), "the content is the key");
        assertEquals(new TokenCacheCounts(second.tokenCache().directory(), 0, ROWS, 0), second.tokenCache());
        try (Engine e = Engine.open(Path.of(model), null, 0)) {
            List<Row> rows = TestSpark.session().read().parquet(tmp.resolve("o2").toString()).collectAsList();
            assertEquals(ROWS, rows.size());
            for (Row r : rows) {
                int n = Integer.parseInt(((String) r.getAs("id")).substring(1));
                int[] expected = e.tokenizer().encode(String.format("Once upon a time a dog saw %03d birds.", n), true);
                assertArrayEquals(expected, r.getList(r.fieldIndex("token_ids")).stream().mapToInt(x -> (Integer) x).toArray(),
                        "row " + n + " is scored on the new text");
            }
        }
    }

    @Test
    void row7AnIdOutsideTheVocabularyRebuildsTheFile() throws IOException {
        String model = TestSpark.requireShared("models/stories260K").toString();
        Path input = Files.write(tmp.resolve("in.jsonl"), lines("cat"));
        String cache = "token_cache=" + tmp.resolve("cache");
        JobSummary first = JobRunner.run("score", input.toString(), tmp.resolve("o1").toString(), model, cache, "partitions=2");
        Path part = Path.of(first.tokenCache().directory()).resolve("part-00000.arrow");

        // Rewrite the partition's file, valid Arrow, with one id past the 512-token vocabulary.
        List<String> ids = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        try (MappedTokenFile m = MappedTokenFile.open(part)) {
            for (long k = 0; k < m.rows(); k++) {
                ids.add(m.id(k));
                tokens.add(m.tokens(k));
            }
        }
        tokens.get(3)[2] = 512 + 7;
        Files.delete(part);
        try (TokenFileWriter w = new TokenFileWriter(part)) {
            for (int k = 0; k < ids.size(); k++) {
                w.add(ids.get(k), tokens.get(k));
            }
            w.commit();
        }
        CorruptTokenFileException bad = org.junit.jupiter.api.Assertions.assertThrows(CorruptTokenFileException.class,
                () -> MappedTokenFile.open(part, 512));
        assertTrue(bad.getMessage().contains("holds token id 519 at value"), bad.getMessage());
        assertTrue(bad.getMessage().contains("outside the vocabulary of 512"), bad.getMessage());

        JobSummary second = JobRunner.run("score", input.toString(), tmp.resolve("o2").toString(), model, cache, "partitions=2");
        assertEquals(1, second.tokenCache().rebuiltFiles());
        assertEquals(ROWS, second.rows());
        assertEquals(0, second.errors());
        assertEquals(rows(tmp.resolve("o1")), rows(tmp.resolve("o2")), "the same rows as before the damage");
        try (MappedTokenFile m = MappedTokenFile.open(part, 512)) {
            assertEquals(ids.size(), m.rows(), "the file was rebuilt whole");
        }
        JobSummary third = JobRunner.run("score", input.toString(), tmp.resolve("o3").toString(), model, cache, "partitions=2");
        assertEquals(new TokenCacheCounts(first.tokenCache().directory(), ROWS, 0, 0), third.tokenCache(), "all hits again");
    }

    private static List<Row> rows(Path out) {
        return TestSpark.session().read().parquet(out.toString()).orderBy("id").collectAsList();
    }
}
