package io.sparkllama.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML job configs: same keys as --set, the command line wins, unknown keys and wrong types named. */
class JobConfigFileTest {
    @TempDir
    Path tmp;

    private JobArguments parse(String job, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = job;
        System.arraycopy(args, 0, all, 1, args.length);
        return JobArguments.parse(job, all, 1, SparkLlama.OPTIONS, java.util.Set.of()).withConfigFile(switch (job) {
            case "generate" -> GenerateJob.SETTINGS;
            case "score" -> ScoreJob.SETTINGS;
            default -> LoglikelihoodJob.SETTINGS;
        });
    }

    @Test
    void fileValuesApplyAndTheCommandLineWins() throws IOException {
        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, """
                input: in.jsonl
                output: out
                model: m
                max_tokens: 64
                temperature: 0.8
                seed: 7
                balance_by_length: true
                spark:
                  executor.memory: 1g
                spark.sql.shuffle.partitions: 4
                """);
        JobArguments a = parse("generate", "--config", yaml.toString(), "--output", "other", "--set", "seed=9");
        GenerateJob.Config c = GenerateJob.Config.from(a);
        assertEquals("in.jsonl", c.input());
        assertEquals("other", c.output(), "an option on the command line wins");
        assertEquals(64, c.generation().maxTokens());
        assertEquals(0.8f, c.generation().temperature());
        assertEquals(9, c.generation().seed(), "--set wins");
        assertTrue(c.common().balanceByLength());
        assertEquals("1g", a.settings().get("spark.executor.memory"));
        assertEquals("4", a.settings().get("spark.sql.shuffle.partitions"));
        assertNull(c.tokenizer());
    }

    @Test
    void shippedExampleConfigsAreValid() {
        Path conf = Path.of("").toAbsolutePath().getParent().resolve("conf");
        assertEquals(64, GenerateJob.Config.from(parse("generate", "--config", conf.resolve("generate.yaml").toString())).generation().maxTokens());
        assertEquals(0, ScoreJob.Config.from(parse("score", "--config", conf.resolve("score.yaml").toString())).scoring().stride());
        assertEquals("broadcast", LoglikelihoodJob.Config.from(parse("loglikelihood", "--config", conf.resolve("loglikelihood.yaml").toString()))
                .common().modelTransport());
    }

    @Test
    void unknownKeysAndWrongTypesAreNamed() throws IOException {
        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, "max_token: 3\n");
        JobConfigException e = assertThrows(JobConfigException.class, () -> parse("generate", "--config", typo.toString()));
        assertTrue(e.getMessage().contains("typo.yaml") && e.getMessage().contains("unknown key 'max_token'"), e.getMessage());

        Path scoreOnly = tmp.resolve("stride.yaml");
        Files.writeString(scoreOnly, "stride: 3\n");
        e = assertThrows(JobConfigException.class, () -> parse("generate", "--config", scoreOnly.toString()));
        assertTrue(e.getMessage().contains("unknown key 'stride'"), e.getMessage());

        Path wrong = tmp.resolve("wrong.yaml");
        Files.writeString(wrong, "max_tokens: lots\n");
        e = assertThrows(JobConfigException.class, () -> parse("generate", "--config", wrong.toString()));
        assertTrue(e.getMessage().contains("key 'max_tokens' must be an integer, got 'lots'"), e.getMessage());

        Files.writeString(wrong, "balance_by_length: [1, 2]\n");
        e = assertThrows(JobConfigException.class, () -> parse("score", "--config", wrong.toString()));
        assertTrue(e.getMessage().contains("key 'balance_by_length' must be true or false, got a list"), e.getMessage());

        Files.writeString(wrong, "temperature: 0.5\nmodel_transport: carrier-pigeon\ninput: i\noutput: o\nmodel: m\n");
        e = assertThrows(JobConfigException.class, () -> GenerateJob.Config.from(parse("generate", "--config", wrong.toString())));
        assertTrue(e.getMessage().contains("model_transport must be one of path, spark-files, broadcast"), e.getMessage());

        Files.writeString(wrong, "- a\n- b\n");
        e = assertThrows(JobConfigException.class, () -> parse("generate", "--config", wrong.toString()));
        assertTrue(e.getMessage().contains("must be a map"), e.getMessage());
    }
}
