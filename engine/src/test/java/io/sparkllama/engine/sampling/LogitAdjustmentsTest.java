package io.sparkllama.engine.sampling;

import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.generate.LogitBias;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.error.InvalidRequestException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bias, penalties and min-p change the logits exactly as defined: Hugging Face's repetition
 * penalty over prompt and completion, OpenAI's frequency and presence penalties over the
 * completion, OpenAI's logit_bias added first.
 */
class LogitAdjustmentsTest {
    private static SamplingParams params(float minP, float rep, float freq, float pres, Map<Integer, Float> bias) {
        return new SamplingParams(1f, 0, 1f, 7L, minP, rep, freq, pres, LogitBias.of(bias));
    }

    @Test
    void penaltiesAsDefined() {
        float[] logits = {2f, -1f, 0.5f, 3f, -2f, 1f};
        // prompt: ids 0 and 4; completion so far: 2, 2, 3
        TokenCounts c = TokenCounts.forPrompt(6, new int[] {0, 4}, 8);
        c.addGenerated(2);
        c.addGenerated(2);
        c.addGenerated(3);
        Sampler.adjust(logits, params(0f, 2f, 0.5f, 0.25f, Map.of(5, 1.5f, 1, -3f)), c);
        // id 0: prompt only: 2 / 2 = 1 (positive divides), no frequency or presence
        // id 1: not seen; bias -3 -> -4
        // id 2: generated twice: 0.5 / 2 - (2 * 0.5 + 0.25) = 0.25 - 1.25 = -1
        // id 3: generated once: 3 / 2 - (0.5 + 0.25) = 0.75
        // id 4: prompt only, negative: -2 * 2 = -4
        // id 5: not seen; bias +1.5 -> 2.5
        assertArrayEquals(new float[] {1f, -4f, -1f, 0.75f, -4f, 2.5f}, logits);
    }

    @Test
    void biasComesBeforeTheRepetitionPenalty() {
        float[] logits = {1f, 0f};
        TokenCounts c = TokenCounts.forPrompt(2, new int[] {0}, 4);
        Sampler.adjust(logits, params(0f, 4f, 0f, 0f, Map.of(0, 3f)), c);
        assertEquals(1f, logits[0], "(1 + 3) / 4");
    }

    @Test
    void greedyFollowsTheAdjustedLogitsAndLeavesTheModelsOwn() {
        Sampler s = new Sampler(4);
        float[] logits = {0f, 5f, 4f, 1f};
        SamplingParams greedyBiased = new SamplingParams(0f, 0, 1f, 0L, 0f, 1f, 0f, 0f, LogitBias.of(Map.of(1, -2f)));
        assertEquals(2, s.sample(logits, 0, 4, greedyBiased, new SeededRandom(1), null));
        assertArrayEquals(new float[] {0f, 5f, 4f, 1f}, logits, "the caller's logits (for the logprobs) are untouched");
        TokenCounts c = TokenCounts.forPrompt(4, new int[] {3}, 4);
        c.addGenerated(1);
        SamplingParams greedyFreq = new SamplingParams(0f, 0, 1f, 0L, 0f, 1f, 2f, 0f, LogitBias.NONE);
        assertEquals(2, s.sample(logits, 0, 4, greedyFreq, new SeededRandom(1), c), "5 - 2 < 4");
    }

    @Test
    void minPDropsTokensBelowItsShareOfTheTop() {
        // probabilities proportional to exp(logit): token 0 weight 1, token 1 e^-1 = 0.37, token 2 e^-3 = 0.05
        float[] logits = {0f, -1f, -3f};
        Sampler s = new Sampler(3);
        int[] seenOff = new int[3];
        int[] seenOn = new int[3];
        int[] seenSorted = new int[3];
        for (int seed = 0; seed < 4000; seed++) {
            seenOff[s.sample(logits, 0, 3, params(0f, 1f, 0f, 0f, Map.of()), new SeededRandom(seed), null)]++;
            seenOn[s.sample(logits, 0, 3, params(0.1f, 1f, 0f, 0f, Map.of()), new SeededRandom(seed), null)]++;
            SamplingParams withTopK = new SamplingParams(1f, 3, 1f, 7L, 0.1f, 1f, 0f, 0f, LogitBias.NONE);
            seenSorted[s.sample(logits, 0, 3, withTopK, new SeededRandom(seed), null)]++;
        }
        assertTrue(seenOff[2] > 0, "without min-p the unlikely token comes up");
        assertEquals(0, seenOn[2], "0.05 < 0.1 x 1: never sampled");
        assertEquals(0, seenSorted[2], "the same cut on the sorted path (top-k on)");
        assertTrue(seenOn[1] > 0 && seenSorted[1] > 0, "0.37 >= 0.1: kept");
    }

    @Test
    void badValuesNameTheirField() {
        assertEquals("min_p must be in [0, 1] (0 = off), got 1.5",
                assertThrows(InvalidRequestException.class, () -> params(1.5f, 1f, 0f, 0f, Map.of())).getMessage());
        assertEquals("repetition_penalty must be a finite number > 0 (1 = off), got 0.0",
                assertThrows(InvalidRequestException.class, () -> params(0f, 0f, 0f, 0f, Map.of())).getMessage());
        assertEquals("frequency_penalty must be in [-2, 2] (0 = off), got 3.0",
                assertThrows(InvalidRequestException.class, () -> params(0f, 1f, 3f, 0f, Map.of())).getMessage());
        assertEquals("presence_penalty must be in [-2, 2] (0 = off), got NaN",
                assertThrows(InvalidRequestException.class, () -> params(0f, 1f, 0f, Float.NaN, Map.of())).getMessage());
        assertEquals("logit_bias for id 3 must be a number in [-100, 100], got 200.0",
                assertThrows(InvalidRequestException.class, () -> LogitBias.of(Map.of(3, 200f))).getMessage());
        assertEquals("logit_bias id -1 is not a token id (ids are >= 0)",
                assertThrows(InvalidRequestException.class, () -> LogitBias.of(Map.of(-1, 1f))).getMessage());
        assertEquals("logit_bias id 512 is outside the vocabulary [0, 512)",
                assertThrows(InvalidRequestException.class, () -> LogitBias.of(Map.of(512, 1f)).requireWithin(512)).getMessage());
    }
}
