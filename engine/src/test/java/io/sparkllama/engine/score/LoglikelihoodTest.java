package io.sparkllama.engine.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Continuation log-likelihoods against run.c's golden teacher-forced logprobs, lm-eval token split, truncation. */
class LoglikelihoodTest {
    private static final String MODEL = "models/stories260K/stories260K.bin";

    @Test
    void continuationLogprobsMatchGoldenPositions() {
        JsonNode g = SharedFiles.json("golden/stories260K/score.json");
        try (Engine engine = Engine.open(SharedFiles.require(MODEL), SharedFiles.goldenTokenizer(g), 0);
             Loglikelihood ll = engine.newLoglikelihood(1)) {
            for (JsonNode t : SharedFiles.items(g, "texts")) {
                int[] tokens = SharedFiles.ints(t.get("tokens"));
                JsonNode positions = t.get("positions");
                for (int k : new int[] {1, 7, tokens.length - 1}) {
                    LoglikelihoodResult r = ll.compute(Arrays.copyOfRange(tokens, 0, k), Arrays.copyOfRange(tokens, k, tokens.length));
                    double sum = 0;
                    boolean greedy = true;
                    for (int j = 0; j < r.tokenCount(); j++) {
                        JsonNode p = positions.get(k - 1 + j);
                        assertEquals(p.get("logprob").asDouble(), r.logprobs()[j], 1e-4, "position " + (k - 1 + j));
                        sum += p.get("logprob").asDouble();
                        greedy &= p.get("argmax").asInt() == p.get("next").asInt();
                    }
                    assertEquals(sum, r.sumLogprob(), 1e-3);
                    assertEquals(greedy, r.isGreedy(), "is_greedy at split " + k);
                    assertEquals(0, r.truncatedTokens());
                }
            }
        }
    }

    @Test
    void greedyContinuationIsGreedyAndSplitFollowsLmEval() {
        try (Engine engine = Engine.open(SharedFiles.require(MODEL), SharedFiles.require("models/stories260K/tok512.bin"), 0);
             Loglikelihood ll = engine.newLoglikelihood(1)) {
            // run.c's greedy continuation of "Once upon a time" begins ", there was a little girl".
            LoglikelihoodResult r = ll.compute("Once upon a time", ", there was a little girl");
            assertTrue(r.isGreedy());
            assertArrayEquals(new int[] {432, 383, 286, 261, 376, 298, 315, 421}, r.continuationTokens());
            assertFalse(ll.compute("Once upon a time", ", there was a purple girl").isGreedy());
            // Trailing whitespace of the context goes with the continuation.
            Loglikelihood.Split a = ll.split("Once upon a time ", "there was");
            Loglikelihood.Split b = ll.split("Once upon a time", " there was");
            assertArrayEquals(b.contextTokens(), a.contextTokens());
            assertArrayEquals(b.continuationTokens(), a.continuationTokens());
            // The continuation's tokens are the tail of encoding the whole text.
            int[] whole = engine.tokenizer().encode("Once upon a time there was", true);
            assertArrayEquals(Arrays.copyOfRange(whole, b.contextTokens().length, whole.length), b.continuationTokens());
            assertArrayEquals(new int[] {engine.tokenizer().bosId()}, ll.split("", "Once").contextTokens());
            assertThrows(InvalidRequestException.class, () -> ll.compute("Once", ""));
            assertThrows(InvalidRequestException.class, () -> ll.compute(null, "x"));
        }
    }

    @Test
    void overlongContextIsTruncatedFromTheLeft() {
        try (Engine small = Engine.open(SharedFiles.require(MODEL), SharedFiles.require("models/stories260K/tok512.bin"), 16);
             Loglikelihood ll = small.newLoglikelihood(1);
             InferenceSession session = small.newSession(1)) {
            int[] context = small.tokenizer().encode("Once upon a time, there was a little girl named Lily. She liked", true);
            int[] continuation = {432, 383, 286};
            LoglikelihoodResult r = ll.compute(context, continuation);
            int drop = context.length + continuation.length - 1 - 16;
            assertEquals(drop, r.truncatedTokens());
            int[] fed = new int[16 + 1];
            System.arraycopy(context, drop, fed, 0, context.length - drop);
            System.arraycopy(continuation, 0, fed, context.length - drop, continuation.length);
            // Scoring the 17-token fed sequence would exceed the context; compare with the 16 fed + last predicted.
            ScoreResult s = session.score(Arrays.copyOf(fed, 16));
            assertEquals(s.logprobs()[14], r.logprobs()[1], 1e-5);
        }
    }
}
