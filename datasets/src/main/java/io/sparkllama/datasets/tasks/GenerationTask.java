package io.sparkllama.datasets.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generation task with exact-match scoring, from JSON lines
 * {@code {"id", "prompt", "answer", "stop": [..] (optional, default ["\n"]), "max_tokens" (optional, 16)}}:
 * the greedy completion is cut at the first stop sequence and compared, trimmed, with {@code answer}.
 * Few-shot examples are other items' {@code prompt + " " + answer}, each followed by a blank line.
 */
public record GenerationTask(String name, Path file) {
    public List<GenerationDoc> read() {
        List<JsonNode> rows = TaskFiles.jsonLines(file);
        List<GenerationDoc> docs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            int line = i + 1;
            List<String> stop = r.has("stop") ? TaskFiles.texts(r.get("stop"), "stop", file, line) : List.of("\n");
            int max = r.has("max_tokens") ? r.get("max_tokens").asInt() : 16;
            String id = r.has("id") ? r.get("id").asText() : String.valueOf(line);
            docs.add(new GenerationDoc(id, TaskFiles.text(r, "prompt", file, line), TaskFiles.text(r, "answer", file, line), stop, max));
        }
        return docs;
    }

    /** {@code n_shot} other items as solved examples ({@code prompt + " " + answer}), drawn as {@link FewShot#pick} draws. */
    public static String prefix(List<GenerationDoc> docs, int item, TaskOptions options) {
        StringBuilder sb = new StringBuilder();
        for (int k : FewShot.pick(docs.size(), item, options)) {
            sb.append(docs.get(k).prompt()).append(" ").append(docs.get(k).answer().strip()).append(FewShot.DELIMITER);
        }
        return sb.toString();
    }
}
