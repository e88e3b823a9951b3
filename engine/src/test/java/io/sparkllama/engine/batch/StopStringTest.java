package io.sparkllama.engine.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stop strings cut the completion exactly: at the first character of the earliest match, which
 * may span tokens; the ids end with the token that completed the match; finish_reason is stop.
 */
class StopStringTest {
    @Test
    void cutsExactlyAcrossTokenBoundaries() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0);
                InferenceSession session = engine.newSession(1)) {
            int[] prompt = engine.tokenizer().encode("Once upon a time", true);
            GenerationResult free = session.generate(new GenerationRequest(prompt, 60, SamplingParams.GREEDY));
            String text = free.text();
            assertEquals(60, free.tokens().length, text);
            // A stop string made of the last 2 characters of token 10's text and the first 2 of token 11's.
            String upTo10 = engine.tokenizer().decode(prompt[prompt.length - 1], free.tokens(), 0, 11);
            assertTrue(text.startsWith(upTo10));
            String stop = text.substring(upTo10.length() - 2, upTo10.length() + 2);
            int cut = text.indexOf(stop);
            assertTrue(cut > 0 && cut <= upTo10.length() - 2, "first occurrence: " + stop);
            int lastToken = tokensCovering(engine, prompt, free.tokens(), cut + stop.length());

            GenerationResult stopped = session.generate(new GenerationRequest(prompt, 60, SamplingParams.GREEDY, new int[0],
                    List.of("never appears \u00e9", stop)));
            assertEquals(text.substring(0, cut), stopped.text(), "text ends before the stop string");
            assertEquals(FinishReason.STOP, stopped.finishReason());
            assertArrayEquals(Arrays.copyOf(free.tokens(), lastToken), stopped.tokens(), "ids through the token that completed the match");
            assertArrayEquals(Arrays.copyOf(free.logprobs(), lastToken), stopped.logprobs());

            // Of two stop strings the one that starts first wins, whichever is listed first.
            String later = text.substring(cut + 1, cut + 4);
            GenerationResult first = session.generate(new GenerationRequest(prompt, 60, SamplingParams.GREEDY, new int[0], List.of(later, stop)));
            assertEquals(text.substring(0, Math.min(cut, text.indexOf(later))), first.text());

            GenerationResult none = session.generate(new GenerationRequest(prompt, 60, SamplingParams.GREEDY, new int[0], List.of("\u00e9\u00e9")));
            assertEquals(text, none.text());
            assertEquals(FinishReason.LENGTH, none.finishReason());
        }
    }

    @Test
    void badStopListsAreRefused() {
        int[] p = {1};
        assertEquals("stop strings must not be null or empty", assertThrows(InvalidRequestException.class,
                () -> new GenerationRequest(p, 4, SamplingParams.GREEDY, new int[0], List.of(""))).getMessage());
        assertEquals("stop has 17 strings, over the limit of 16", assertThrows(InvalidRequestException.class,
                () -> new GenerationRequest(p, 4, SamplingParams.GREEDY, new int[0], java.util.Collections.nCopies(17, "x"))).getMessage());
    }

    /** How many generated tokens it takes for the text to reach {@code chars} characters. */
    private static int tokensCovering(Engine engine, int[] prompt, int[] tokens, int chars) {
        for (int k = 1; k <= tokens.length; k++) {
            if (engine.tokenizer().decode(prompt[prompt.length - 1], tokens, 0, k).length() >= chars) {
                return k;
            }
        }
        throw new AssertionError("text shorter than " + chars);
    }
}
