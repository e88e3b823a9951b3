package io.sparkllama.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The local files the storage tests put on HDFS or S3 and run the same jobs on locally: a
 * stories260K model directory (model and tokenizer only), 5 prompts (one null, one sampled, one
 * with its own max_tokens) and 4 texts (one empty).
 */
record StorageInputs(Path model, Path prompts, Path texts) {
    static final int PROMPT_ROWS = 5;
    static final int TEXT_ROWS = 4;

    static StorageInputs write(Path dir) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.copy(TestSpark.requireShared("models/stories260K/stories260K.bin"), model.resolve("stories260K.bin"));
        Files.copy(TestSpark.requireShared("models/stories260K/tok512.bin"), model.resolve("tok512.bin"));
        Path prompts = dir.resolve("prompts.jsonl");
        Files.write(prompts, List.of(
                "{\"id\": 1, \"prompt\": \"Once upon a time\"}",
                "{\"id\": 2, \"prompt\": \"Lily went to the park\"}",
                "{\"id\": 3, \"prompt\": \"The little fish\", \"temperature\": 0.9, \"seed\": 11}",
                "{\"id\": 4, \"prompt\": null}",
                "{\"id\": 5, \"prompt\": \"Tom had a dog\", \"max_tokens\": 5}"));
        Path texts = dir.resolve("texts.jsonl");
        Files.write(texts, List.of(
                "{\"id\": 1, \"text\": \"Once upon a time, there was a little girl named Lily.\"}",
                "{\"id\": 2, \"text\": \"She liked to play outside in the sun.\"}",
                "{\"id\": 3, \"text\": \"One day, she saw a big red ball.\"}",
                "{\"id\": 4, \"text\": \"\"}"));
        return new StorageInputs(model, prompts, texts);
    }

    /** {@code n} rows {@code r000, r001, ...} whose prompts cycle through the story openings sample, in {@code dir}. */
    static Path stories(Path dir, int n) throws IOException {
        List<String> openings = Files.readAllLines(TestSpark.repo().resolve("datasets/samples/story-openings.jsonl"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String prompt = openings.get(i % openings.size()).replaceAll("^\\{\"id\": \"[^\"]*\", ", "");
            lines.add(String.format("{\"id\": \"r%03d\", %s", i, prompt));
        }
        Path input = dir.resolve("stories-" + n + ".jsonl");
        Files.write(input, lines);
        return input;
    }

    /** The Parquet rows a job wrote to {@code output} (any filesystem), by id. */
    static List<Row> rows(String output) {
        return TestSpark.session().read().parquet(output).orderBy("id").collectAsList();
    }
}
