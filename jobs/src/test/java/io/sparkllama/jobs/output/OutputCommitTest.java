package io.sparkllama.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock, attempt directory and publish of an output, on the local filesystem, without Spark. */
class OutputCommitTest {
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void oneHolderAtATimeAndTheAttemptReplacesTheOutputWhole() throws IOException {
        CanonicalPath out = OutputGuard.check(tmp.resolve("out").toString(), OutputMode.OVERWRITE, Map.of(), conf);
        try (OutputCommit a = OutputCommit.begin(out, "app-1", "application app-1 on host-a", conf)) {
            OutputLockedException e = assertThrows(OutputLockedException.class, () -> OutputCommit.begin(out, "app-2", "app-2", conf));
            assertTrue(e.getMessage().contains("(application app-1 on host-a)"), e.getMessage());
            Path attempt = Path.of(java.net.URI.create(a.attemptDirectory()).getPath());
            Files.createDirectories(attempt);
            Files.writeString(attempt.resolve("_spark_llama.json"), "{}");
            Files.writeString(attempt.resolve("part-0"), "rows of app-1");
            a.publish();
        }
        assertEquals(List.of("out"), list(tmp), "lock released, attempt renamed into place");
        assertEquals(List.of("_spark_llama.json", "part-0"), list(tmp.resolve("out")));

        // A job that fails leaves the previous output as it was and no attempt behind.
        try (OutputCommit b = OutputCommit.begin(out, "app-3", "app-3", conf)) {
            Path attempt = Path.of(java.net.URI.create(b.attemptDirectory()).getPath());
            Files.createDirectories(attempt);
            Files.writeString(attempt.resolve("part-0"), "half-written");
        }
        assertEquals(List.of("out"), list(tmp));
        assertEquals("rows of app-1", Files.readString(tmp.resolve("out/part-0")));
    }

    @Test
    void theStateIsCheckedAgainUnderTheLock() throws IOException {
        CanonicalPath out = OutputGuard.check(tmp.resolve("out").toString(), OutputMode.ERRORIFEXISTS, Map.of(), conf);
        Files.createDirectories(tmp.resolve("out")); // another job published between the first check and the lock
        Files.writeString(tmp.resolve("out/_spark_llama.json"), "{}");
        try (OutputCommit c = OutputCommit.begin(out, "app-4", "app-4", conf)) {
            assertThrows(OutputPathException.class, () -> OutputGuard.checkState(out, OutputMode.ERRORIFEXISTS, conf));
            OutputGuard.checkState(out, OutputMode.OVERWRITE, conf); // ours: overwrite may replace it
        }
        assertFalse(Files.exists(tmp.resolve(".out" + OutputLock.SUFFIX)));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }
}
