package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.jobs.TokenCacheCounts;
import io.sparkllama.udfs.tokencache.MappedTokenFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score job's token cache on local[2]: written once, then every row a hit with no tokenizer call; corrupt files rebuilt; new input, new key. */
class TokenCacheJobTest {
    @TempDir
    Path tmp;

    @Test
    void secondRunReadsEveryRowFromTheCacheAndScoresIdentically() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("texts.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(TestSpark.repo().resolve("datasets/samples/story-texts.jsonl")));
        lines.add("{\"id\": \"text-007\", \"text\": null}");
        lines.add("{\"id\": \"text-008\", \"text\": \"Ben and Sue built a tall tower of blocks, and then it fell down with a crash.\"}");
        Files.write(input, lines);
        Path cache = tmp.resolve("cache");
        String[] settings = {"partitions=2", "batch_size=2", "token_cache=" + cache};
        int textRows = 6; // 8 rows, one empty and one null text

        JobSummary first = JobRunner.run("score", input.toString(), tmp.resolve("out1").toString(), model.toString(), settings);
        assertEquals(8, first.rows());
        assertEquals(new TokenCacheCounts(first.tokenCache().directory(), 0, textRows, 0), first.tokenCache());
        Path dir = Path.of(first.tokenCache().directory());
        assertEquals(cache.toAbsolutePath(), dir.getParent());
        assertEquals(List.of("part-00000.arrow", "part-00001.arrow"), files(dir), "one committed file per partition, no temp files");
        long cachedRows = 0;
        for (String f : files(dir)) {
            try (MappedTokenFile m = MappedTokenFile.open(dir.resolve(f))) {
                cachedRows += m.rows();
            }
        }
        assertEquals(8, cachedRows, "every row keeps its place in its partition's file");

        JobSummary second = JobRunner.run("score", input.toString(), tmp.resolve("out2").toString(), model.toString(), settings);
        assertEquals(new TokenCacheCounts(dir.toString(), textRows, 0, 0), second.tokenCache(), "all hits, the tokenizer never called");
        assertEquals(rows(tmp.resolve("out1")), rows(tmp.resolve("out2")), "bitwise-identical output rows");
        Map<String, Object> meta = RunMetadata.read(tmp.resolve("out2").toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        assertTrue(meta.toString().contains("tokenized_rows=0"), meta.toString());

        // A truncated file: detected by its missing footer magic, rebuilt, and the job's rows unchanged.
        Path part0 = dir.resolve("part-00000.arrow");
        try (FileChannel ch = FileChannel.open(part0, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 40);
        }
        JobSummary third = JobRunner.run("score", input.toString(), tmp.resolve("out3").toString(), model.toString(), settings);
        assertEquals(1, third.tokenCache().rebuiltFiles());
        assertTrue(third.tokenCache().tokenizedRows() > 0 && third.tokenCache().cachedRows() > 0, third.tokenCache().toString());
        assertEquals(textRows, third.tokenCache().tokenizedRows() + third.tokenCache().cachedRows());
        assertEquals(rows(tmp.resolve("out1")), rows(tmp.resolve("out3")));
        JobSummary fourth = JobRunner.run("score", input.toString(), tmp.resolve("out4").toString(), model.toString(), settings);
        assertEquals(new TokenCacheCounts(dir.toString(), textRows, 0, 0), fourth.tokenCache(), "the rebuilt file is a hit again");

        // Changed input: another key, so nothing stale is read.
        lines.add("{\"id\": \"text-009\", \"text\": \"A new line changes the input file.\"}");
        Files.write(input, lines);
        JobSummary changed = JobRunner.run("score", input.toString(), tmp.resolve("out5").toString(), model.toString(), settings);
        assertNotEquals(dir.toString(), changed.tokenCache().directory());
        assertEquals(new TokenCacheCounts(changed.tokenCache().directory(), 0, textRows + 1, 0), changed.tokenCache());

        // Off by default: no counts, same rows.
        JobSummary off = JobRunner.run("score", input.toString(), tmp.resolve("out6").toString(), model.toString(), "partitions=2");
        assertNull(off.tokenCache());
        assertEquals(rows(tmp.resolve("out5")), rows(tmp.resolve("out6")));
    }

    private static List<Row> rows(Path out) {
        return TestSpark.session().read().parquet(out.toString()).orderBy("id").collectAsList();
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
