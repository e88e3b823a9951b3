package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.score.DocumentSize;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.PerplexityResult;
import io.sparkllama.engine.score.ScoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** llama.cpp-method perplexity against golden/ppl.json, rolling windows and loglikelihood against plain scoring. */
class PerplexityTest {

    @Test
    void llamaCppMethodMatchesGoldenChunks() throws IOException {
        JsonNode g = SharedFiles.json("golden/stories260K-h192/ppl.json");
        String text = Files.readString(SharedFiles.require("golden/ppl_text.txt"));
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K-h192/stories260K-h192.bin"), null, 128);
             InferenceSession session = engine.newSession(1)) {
            int[] tokens = engine.tokenizer().encode(text, true);
            assertArrayEquals(SharedFiles.ints(g.get("tokens")), tokens, "tokens of ppl_text.txt");
            PerplexityResult r = LlamaCppPerplexity.run(session, tokens, 128, engine.tokenizer().bosId());
            JsonNode runc = g.get("runc").get("stories260K-h192.bin");
            assertEquals(runc.get("n_chunk").asInt(), r.windows());
            assertEquals(runc.get("count").asLong(), r.nScored());
            for (int c = 0; c < r.windows(); c++) {
                assertEquals(runc.get("chunks").get(c).get("nll_sum").asDouble(), r.windowNll()[c], 2e-3, "chunk " + (c + 1));
            }
            assertEquals(runc.get("ppl").asDouble(), r.perplexity(), 1e-4);
            double llamaCpp = g.get("llamacpp").get("gguf-f32").get("ppl").asDouble();
            assertEquals(llamaCpp, r.perplexity(), llamaCpp * 0.005, "within 0.5% of llama.cpp's F32 figure");
            assertEquals(g.get("llamacpp").get("gguf-f32").get("stderr").asDouble(), r.perplexityStderr(), 1e-3);
        }
    }

    @Test
    void rollingWindowsScoreEveryTokenOnceLikeLmEval() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), null, 16);
             InferenceSession session = engine.newSession(1)) {
            int[] text = engine.tokenizer().encode("Once upon a time, there was a little girl named Lily. She liked to play outside.", false);
            int bos = engine.tokenizer().bosId();
            // One window holding everything equals plain teacher forcing from BOS.
            int[] withBos = new int[text.length + 1];
            withBos[0] = bos;
            System.arraycopy(text, 0, withBos, 1, text.length);
            ScoreResult plain;
            try (Engine big = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), null, 0);
                 InferenceSession s = big.newSession(1)) {
                plain = s.score(withBos);
                PerplexityResult one = RollingPerplexity.run(s, text, 64, bos);
                assertEquals(1, one.windows());
                assertEquals(-plain.sumLogprob(), one.sumNll(), 1e-4);
            }
            // Windows of 8 as lm-eval's get_rolling_token_windows + make_disjoint_window cut them:
            // [BOS]+t[0..8) -> t[0..8); then t[end-9..end) -> its last (end - predicted) targets.
            PerplexityResult r = RollingPerplexity.run(session, text, 8, bos);
            assertEquals((text.length + 7) / 8, r.windows());
            assertEquals(text.length, r.nScored());
            double expected = 0;
            for (int k = 0; k < 8; k++) {
                expected -= plain.logprobs()[k];
            }
            for (int predicted = 8; predicted < text.length; predicted += 8) {
                int end = Math.min(text.length, predicted + 8);
                float[] w = session.score(Arrays.copyOfRange(text, end - 9, end)).logprobs();
                for (int j = 8 - (end - predicted); j < 8; j++) {
                    expected -= w[j];
                }
            }
            assertEquals(expected, r.sumNll(), 1e-3);
        }
    }

    @Test
    void loglikelihoodIsTheContinuationsShareOfTeacherForcing() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), null, 0);
             InferenceSession session = engine.newSession(1)) {
            int[] ctx = engine.tokenizer().encode("Once upon a time, there was a little", true);
            int[] all = engine.tokenizer().encode("Once upon a time, there was a little girl", true);
            ScoreResult plain = session.score(all);
            LoglikelihoodResult ll = session.loglikelihood("Once upon a time, there was a little", " girl");
            double expected = 0;
            for (int i = ctx.length - 1; i < all.length - 1; i++) {
                expected += plain.logprobs()[i];
            }
            assertEquals(expected, ll.sumLogprob(), 1e-5);
            assertEquals(all.length - ctx.length, ll.tokenCount());
        }
    }

    @Test
    void documentSizeCountsLikePythonReSplit() {
        assertEquals(new DocumentSize(3, 11), DocumentSize.of("hello  big\nx".substring(0, 11)));
        assertEquals(4, DocumentSize.of(" a b ").words(), "leading and trailing empty pieces count");
        assertEquals(2, DocumentSize.of("é\té").words());
        assertEquals(5, DocumentSize.of("é\té").bytes());
    }
}
