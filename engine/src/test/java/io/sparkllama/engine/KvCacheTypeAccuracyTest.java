package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.KvCacheType;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kv_cache_type: f32 is the default's bits; f16 and bf16 halve the block bytes at the accuracy cost
 * measured against the run.c goldens (docs/memory.md lists the figures these bounds hold).
 */
class KvCacheTypeAccuracyTest {

    @Test
    void f32IsTheDefaultBitForBitAndHalfTypesHalveTheBlocks() {
        JsonNode g = SharedFiles.json("golden/stories260K/score.json");
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), null, 0);
             InferenceSession plain = engine.newSession(2); InferenceSession f32 = engine.newSession(2, 0, KvCacheType.F32);
             InferenceSession f16 = engine.newSession(2, 0, KvCacheType.F16); InferenceSession bf16 = engine.newSession(2, 0, KvCacheType.BF16)) {
            for (JsonNode t : g.get("texts")) {
                ScoreResult a = GoldenText.score(engine, plain, t);
                ScoreResult b = GoldenText.score(engine, f32, t);
                for (int i = 0; i < a.scored(); i++) {
                    assertEquals(Float.floatToRawIntBits(a.logprobs()[i]), Float.floatToRawIntBits(b.logprobs()[i]), "position " + i);
                }
            }
            assertEquals(f32.kvPool().blockBytes(), 2 * f16.kvPool().blockBytes());
            assertEquals(f32.kvPool().blockBytes(), 2 * bf16.kvPool().blockBytes());
            assertEquals(2 * f32.kvPool().capacityBlocks(), f16.kvPool().capacityBlocks(), "the same budget holds twice the positions");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "f16,  stories260K, models/stories260K/stories260K.bin, 0.025",
        "bf16, stories260K, models/stories260K/stories260K.bin, 0.2",
        "f16,  synth15M, models/synth15M/synth15M.bin, 0.006",
        "bf16, synth15M, models/synth15M/synth15M.bin, 0.06",
    })
    void logprobsStayWithinTheMeasuredBoundOfRunC(String type, String golden, String modelFile, double bound) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/score.json");
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), SharedFiles.goldenTokenizer(g), 0);
             InferenceSession session = engine.newSession(2, 0, KvCacheType.parse(type, "kv_cache_type"))) {
            double worst = 0;
            for (JsonNode t : g.get("texts")) {
                ScoreResult r = GoldenText.score(engine, session, t);
                JsonNode positions = t.get("positions");
                for (int i = 0; i < r.scored(); i++) {
                    worst = Math.max(worst, Math.abs(positions.get(i).get("logprob").asDouble() - r.logprobs()[i]));
                }
            }
            System.out.printf("kv_cache_type=%s %s: max |logprob - run.c| = %.3g%n", type, golden, worst);
            assertTrue(worst <= bound, type + " on " + golden + ": max |logprob diff| " + worst + " over " + bound);
            assertTrue(worst > 0, "a 16-bit cache rounds the keys and values, so some logprob moves");
        }
    }

    /** llama.cpp's method over golden/ppl_text.txt at -c 128 (stories260K-h192; run.c: 10.7685). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"f32, 1e-5", "f16, 1e-4", "bf16, 5e-4"})
    void perplexityOfTheGoldenTextMovesWithinTheMeasuredBound(String type, double relative) throws IOException {
        JsonNode g = SharedFiles.json("golden/stories260K-h192/ppl.json");
        double runc = g.get("runc").get("stories260K-h192.bin").get("ppl").asDouble();
        String text = Files.readString(SharedFiles.require("golden/ppl_text.txt"));
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K-h192/stories260K-h192.bin"), null, 128);
             InferenceSession session = engine.newSession(2, 0, KvCacheType.parse(type, "kv_cache_type"))) {
            int[] tokens = engine.tokenizer().encode(text, true);
            double ppl = LlamaCppPerplexity.run(session, tokens, 128, engine.tokenizer().bosId()).perplexity();
            System.out.printf("kv_cache_type=%s perplexity %.6f (run.c %.4f, %+.4f%%)%n", type, ppl, runc, 100 * (ppl / runc - 1));
            assertEquals(runc, ppl, runc * relative, type + " perplexity");
        }
    }

    /** Greedy ids of the run.c goldens survive a half-precision cache on stories260K. */
    @Test
    void greedyIdsMatchRunCWithF16() {
        JsonNode g = SharedFiles.json("golden/stories260K/generate.json");
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), null, 0);
             InferenceSession session = engine.newSession(2, 0, KvCacheType.F16)) {
            for (JsonNode c : g.get("cases")) {
                int[] prompt = SharedFiles.ints(c.get("prompt_tokens"));
                int steps = c.get("steps").asInt();
                GenerationResult r = session.generate(new GenerationRequest(prompt, steps - prompt.length + 1, SamplingParams.GREEDY));
                int[] expected = SharedFiles.ints(c.get("generated_tokens"));
                assertArrayEquals(expected, java.util.Arrays.copyOf(r.tokens(), expected.length), c.get("name").asText());
            }
        }
    }
}
