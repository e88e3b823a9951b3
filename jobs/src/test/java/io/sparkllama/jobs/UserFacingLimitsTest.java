package io.sparkllama.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.jobs.sweep.SweepConfig;
import io.sparkllama.jobs.sweep.SweepException;
import io.sparkllama.jobs.output.OutputPathException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 24 rows 11 and 14: oversized configs refused before parsing, exit statuses, escaped previews, the launcher script. */
class UserFacingLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void row11ConfigsOverOneMebibyteAreRefusedBeforeParsing() throws IOException {
        // 8 MB of one quoted scalar took the YAML parser 40 s; the size alone refuses it now.
        Path yaml = tmp.resolve("huge.yaml");
        Files.writeString(yaml, "model: \"" + "a".repeat(8 << 20) + "\"\n");
        String[] args = {"score", "--config", yaml.toString()};
        ConfigTooLargeException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThrows(ConfigTooLargeException.class,
                () -> JobArguments.parse("score", args, 1, SparkLlama.OPTIONS, Set.of()).withConfigFile(ScoreJob.SETTINGS)));
        assertEquals("score: config " + yaml + " is " + Files.size(yaml) + " bytes, over the 1048576-byte limit for configs; is it"
                + " the right file?", e.getMessage());
        assertEquals(2, SparkLlama.exitStatus(e));
        assertThrows(ConfigTooLargeException.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(2), () -> SweepConfig.read(yaml)));
        // Just under the limit is parsed as usual.
        Files.writeString(yaml, "model: m\n# " + "x".repeat((1 << 20) - 20) + "\n");
        assertEquals("m", JobConfigFile.read(yaml, "score", SparkLlama.OPTIONS, ScoreJob.SETTINGS).get("model"));
    }

    @Test
    void row14SweepFileErrorsAndRefusedOutputsExitTwo() throws IOException {
        Path sweep = tmp.resolve("sweep.yaml");
        Files.writeString(sweep, "models: []\n");
        SweepException e = assertThrows(SweepException.class, () -> SweepConfig.read(sweep));
        assertEquals(2, SparkLlama.exitStatus(e), "the README: 2 = a wrong command or sweep file");
        assertEquals(2, SparkLlama.exitStatus(new OutputPathException("output x is the input itself")));
        assertEquals(1, SparkLlama.exitStatus(new io.sparkllama.jobs.output.OutputLockedException("held")));
        assertEquals(1, SparkLlama.exitStatus(new io.sparkllama.engine.error.InvalidRequestException("a failure while running")));
    }

    @Test
    void stepTokensAreBoundedBecauseTheStepScratchIsOutsideTheKvBudget() {
        Set<String> known = PackingKeys.KEYS;
        assertEquals(2048, PackingKeys.from(new Settings("score", Map.of("step_tokens", "2048"), known)).stepTokens());
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> PackingKeys.from(new Settings("score", Map.of("step_tokens", "2049"), known)));
        assertEquals("score: setting step_tokens must be <= 2048, got 2049", e.getMessage());
        assertEquals("score: setting step_tokens must be >= 1, got 0", assertThrows(JobConfigException.class,
                () -> PackingKeys.from(new Settings("score", Map.of("step_tokens", "0"), known))).getMessage());
    }

    @Test
    void row14ThePreviewEscapesControlBytesFromTheData() {
        assertEquals("red\\x1b[31m text\\x07\\n\\ttab\\\\ \\x9b", TerminalText.escape("red\u001b[31m text\u0007\n\ttab\\ \u009b"));
        assertEquals("caf\u00e9 \u4e2d\u6587 42", TerminalText.escape("caf\u00e9 \u4e2d\u6587 42"), "printable text is left alone");
        assertEquals("null", TerminalText.escape(null));
    }

    @Test
    void row14TheLauncherDoesNotPipeStderr() throws IOException {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("bin/spark-llama");
        String text = Files.readString(script, StandardCharsets.UTF_8);
        assertTrue(text.contains("org.apache.spark.deploy.SparkSubmit"), "the launcher script: " + script);
        assertFalse(text.contains("2> >("), "stderr must not go through a process substitution (grep held progress lines back)");
        assertFalse(text.contains("| grep") || text.contains("|grep"), "no pipe through grep");
    }
}
