package io.sparkllama.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Once a matrix is repacked, the file pages the repack read leave the process's resident set:
 * resident memory is the copies plus what is still read from the file, not the weights twice.
 * Reads this process's {@code /proc/self/smaps} (the machines this project runs on are Linux).
 */
class RepackedPagesTest {

    @ParameterizedTest
    @ValueSource(strings = {"models/synth15M/gguf/synth15M-q4_0.gguf", "models/synth15M/gguf/synth15M-q8_0.gguf"})
    void repackedWeightsDoNotStayResidentInTheMapping(String file) throws IOException {
        Path model = SharedFiles.require(file).toRealPath();
        try (Engine engine = Engine.open(model, null, 0, ActivationPrecision.INT8)) {
            long fileBytes = Files.size(model);
            long repacked = engine.repackedBytes();
            assertTrue(repacked > fileBytes / 4, "repacked at int8: " + repacked + " of " + fileBytes + " bytes of " + file);
            long resident = residentBytesOfMapping(model);
            // What stays: the header and tokenizer, norms, the embedding rows read, and pages shared with them at tensor edges.
            assertTrue(resident < (fileBytes - repacked) + fileBytes / 20,
                    "resident bytes of the mapping of " + file + ": " + resident + " of " + fileBytes + ", " + repacked + " repacked");
            // The model still runs from the copies (and the embedding rows it faults back in).
            try (InferenceSession session = engine.newSession(1)) {
                ScoreResult r = session.score(new int[] {1, 500, 1000, 2});
                assertEquals(3, r.scored());
                for (int i = 0; i < r.scored(); i++) {
                    assertTrue(Float.isFinite(r.logprobs()[i]) && r.logprobs()[i] < 0, "logprob " + i + ": " + r.logprobs()[i]);
                }
            }
        }
    }

    /** Sum of the Rss lines of every mapping of {@code file} in /proc/self/smaps. */
    private static long residentBytesOfMapping(Path file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        long kb = 0;
        boolean inFile = false;
        for (String line : lines) {
            if (!line.isEmpty() && Character.isLetterOrDigit(line.charAt(0)) && line.contains("-") && !line.contains(":  ")
                    && line.split("\\s+").length >= 5 && !line.endsWith(" kB")) {
                inFile = line.endsWith(" " + file);
            } else if (inFile && line.startsWith("Rss:")) {
                kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb * 1024;
    }
}
