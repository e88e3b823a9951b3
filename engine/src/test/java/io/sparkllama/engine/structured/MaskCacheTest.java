package io.sparkllama.engine.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.OutputFormat;
import io.sparkllama.engine.generate.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Masks from the cache are the walk's bit for bit, at every budget, and the cache stays within its bytes. */
class MaskCacheTest {
    private static final String[] PROMPTS = {"Once upon a time", "Lily and Tom", "The little dog"};

    @Test
    void cachedMasksEqualTheWalkAtEveryStateAndBudget() {
        check("models/stories260K/stories260K.bin", "models/stories260K/tok512.bin", 24, 8L << 20);
    }

    @Test
    void aSmallBudgetEvictsAndStaysExact() {
        MaskCache cache = check("models/stories260K/stories260K.bin", "models/stories260K/tok512.bin", 8, 3 * (64 + MaskCache.ENTRY_OVERHEAD));
        assertTrue(cache.size() <= 3, "entries " + cache.size());
        assertTrue(cache.usedBytes() <= cache.budgetBytes());
    }

    @Test
    void thirtyTwoThousandTokenVocabulary() {
        check("models/synth15M/synth15M.bin", "models/llama2-tokenizer/tokenizer.bin", 2, 8L << 20);
    }

    /** Generates {@code rows} constrained rows, then replays their states through a cached and an uncached mask. */
    private static MaskCache check(String modelPath, String tokenizerPath, int rows, long budget) {
        try (Engine engine = Engine.open(SharedFiles.require(modelPath), SharedFiles.require(tokenizerPath), 0);
                InferenceSession session = engine.newSession(1)) {
            OutputConstraint c = OutputConstraint.jsonSchema(ConstrainedGenerationTest.SCHEMA);
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                reqs.add(new GenerationRequest(engine.tokenizer().encode(PROMPTS[i % PROMPTS.length], true), 140,
                        new SamplingParams(1f, 0, 1f, 50L + i)).withOutput(0, OutputFormat.jsonSchema(ConstrainedGenerationTest.SCHEMA)));
            }
            List<GenerationResult> results = session.generateAll(reqs, 8);
            int vocab = engine.vocabSize();
            MaskCache cache = new MaskCache(budget);
            TokenMask cached = new TokenMask(vocab, cache);
            TokenMask walked = new TokenMask(vocab, new MaskCache(0));
            SplittableRandom random = new SplittableRandom(7);
            int[] requestStops = {engine.tokenizer().encode("Once", false)[0]};
            long steps = 0;
            for (int i = 0; i < results.size(); i++) {
                int[] prompt = reqs.get(i).promptTokens();
                int previous = prompt[prompt.length - 1];
                MatchState state = c.start();
                int[] out = results.get(i).tokens();
                for (int t = 0; t < out.length && state != null && !state.done(); t++) {
                    TokenTrie trie = TokenTrie.of(engine.tokenizer(), previous);
                    // the row's own budget, and tight ones that make the cached path fall back to the walk
                    for (int tokensLeft : new int[] {140 - t, state.minBytes() + 1, state.minBytes() + 3, 1 + random.nextInt(40)}) {
                        float[] a = new float[vocab];
                        for (int k = 0; k < vocab; k++) {
                            a[k] = (float) random.nextGaussian();
                        }
                        float[] b = a.clone();
                        int keptCached = cached.apply(state, tokensLeft, trie, requestStops, a, 0, vocab);
                        int keptWalked = walked.apply(state, tokensLeft, trie, requestStops, b, 0, vocab);
                        assertEquals(keptWalked, keptCached, "row " + i + " token " + t + " budget " + tokensLeft);
                        assertArrayEquals(b, a, "row " + i + " token " + t + " budget " + tokensLeft);
                        steps++;
                    }
                    if (engine.tokenizer().isStopToken(out[t])) {
                        break;
                    }
                    state = state.step(engine.tokenizer().decodeBytes(previous, out[t]));
                    previous = out[t];
                }
            }
            assertTrue(steps > rows * 10L, "steps " + steps);
            assertTrue(cache.hits() > 0, "states recur across rows: hits " + cache.hits() + ", misses " + cache.misses());
            assertTrue(cache.usedBytes() <= budget);
            return cache;
        }
    }

    @Test
    void equalStatesReachedByDifferentPathsAreOneKey() {
        OutputConstraint c = OutputConstraint.jsonSchema(ConstrainedGenerationTest.SCHEMA);
        MatchState a = c.start().step("{\"name\":\"ab".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        MatchState b = c.start().step("{\"name\":\"xy".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        MatchState d = c.start().step("{\"name\":\"xyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(!a.equals(d), "a different character count is another state");
    }
}
