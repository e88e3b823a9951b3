package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads task files as lines or JSON lines, naming the file and line in every error. */
public final class TaskFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskFiles() {
    }

    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TaskFormatException(file + ": task file not found (see ../shared/datasets/README.md, or set the task's path)");
        } catch (IOException e) {
            throw new TaskFormatException(file + ": cannot read as UTF-8 text: " + e.getMessage(), e);
        }
    }

    /** One JSON object per non-empty line. */
    public static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                if (!n.isObject()) {
                    throw new TaskFormatException(file + " line " + (i + 1) + ": expected a JSON object");
                }
                out.add(n);
            } catch (JsonProcessingException e) {
                throw new TaskFormatException(file + " line " + (i + 1) + ": not JSON: " + e.getOriginalMessage(), e);
            }
        }
        return out;
    }

    public static String text(JsonNode row, String field, Path file, int line) {
        JsonNode v = row.get(field);
        if (v == null || !v.isTextual()) {
            throw new TaskFormatException(file + " line " + line + ": field '" + field + "' missing or not a string");
        }
        return v.asText();
    }

    public static List<String> texts(JsonNode array, String field, Path file, int line) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new TaskFormatException(file + " line " + line + ": field '" + field + "' missing or not a non-empty array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : array) {
            out.add(v.asText());
        }
        return out;
    }
}
