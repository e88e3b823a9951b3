package io.sparkllama.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Paths are made absolute on the driver; under --deploy-mode cluster a relative one is refused. */
class JobPathsTest {
    private static JobSpec spec(String input, String output, String model, String tokenCache) {
        JobArguments a = JobArguments.parse("score", new String[] {"score", "--input", input, "--output", output, "--model", model,
                "--set", "token_cache=" + tokenCache}, 1, Set.of("input", "output", "model"), Set.of());
        return ScoreJob.Config.from(a).spec();
    }

    @Test
    void relativePathsBecomeAbsoluteOnTheDriver() {
        JobSpec s = JobPaths.absolute(spec("data/x.csv", "out/scored", "models/m.bin", "cache"), "client", new Configuration());
        Path cwd = Path.of("").toAbsolutePath();
        assertEquals("file:" + cwd.resolve("data/x.csv"), s.input());
        assertEquals("file:" + cwd.resolve("out/scored"), s.output());
        assertEquals("file:" + cwd.resolve("cache"), s.tokenCache());
        assertEquals(cwd.resolve("models/m.bin").toString(), s.model(), "a local model stays a path, mapped in place");
        JobSpec uris = JobPaths.absolute(spec("hdfs://nn:8020/data/x.csv", "out/scored", "s3a://bucket/m.gguf", "cache"), "client", new Configuration());
        assertEquals("hdfs://nn:8020/data/x.csv", uris.input());
        assertEquals("s3a://bucket/m.gguf", uris.model());
        assertEquals(cwd.resolve("models/m.bin").toUri().toString(), JobPaths.recorded("models/m.bin"));
    }

    @Test
    void clusterDeployModeRefusesRelativePaths() {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> JobPaths.absolute(spec("data/x.csv", "/out/scored", "/models/m.bin", "/cache"), "cluster", new Configuration()));
        assertEquals("--input data/x.csv is a relative path, and under --deploy-mode cluster the driver runs on a cluster node, where it"
                + " would name another place than where you submitted the job: give an absolute path or a URI (/data/x.jsonl,"
                + " hdfs://..., s3a://...)", e.getMessage());
        JobSpec ok = JobPaths.absolute(spec("/data/x.csv", "/out/scored", "/models/m.bin", "/cache"), "cluster", new Configuration());
        assertEquals("file:/data/x.csv", ok.input());
        assertThrows(JobConfigException.class, () -> JobPaths.absolute(spec("/data/x.csv", "/out/scored", "models/m.bin", "/cache"), "cluster",
                new Configuration()), "the model too");
    }
}
