package io.sparkllama.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.error.NonFiniteLogitsException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.SamplingParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ids and weights the engine cannot trust: a target id outside the vocabulary is refused (it used
 * to read another position's logits), and NaN weights give a "non-finite logits" error, never a
 * NaN logprob, in scoring, loglikelihood and (batched) generation.
 */
class UntrustedValuesTest {
    @TempDir
    Path tmp;

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        try (Engine e = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0); InferenceSession s = e.newSession(1)) {
            int vocab = e.config().vocabSize();
            InvalidRequestException over = assertThrows(InvalidRequestException.class, () -> s.score(new int[] {1, 403, vocab + 3}));
            assertEquals("token id " + (vocab + 3) + " at position 2 is outside the vocabulary (0 to " + (vocab - 1) + ")", over.getMessage());
            assertThrows(InvalidRequestException.class, () -> s.score(new int[] {1, -1, 403}));
            try (Loglikelihood ll = e.newLoglikelihood(1)) {
                assertThrows(InvalidRequestException.class, () -> ll.compute(new int[] {1}, new int[] {vocab}));
            }
            assertEquals(2, s.score(new int[] {1, 403, vocab - 1}).logprobs().length, "the last id of the vocabulary is fine");
        }
    }

    @Test
    void nanWeightsGiveARowErrorNotANanLogprob() throws IOException {
        Path model = tmp.resolve("nan.bin");
        Files.copy(SharedFiles.require("models/stories260K/stories260K.bin"), model);
        Path tok = SharedFiles.require("models/stories260K/tok512.bin");
        int[] ids;
        int dim;
        try (Engine clean = Engine.open(model, tok, 0)) {
            ids = clean.tokenizer().encode("Once upon a time, there was a little girl.", true);
            dim = clean.config().dim();
        }
        // NaN into the embedding row of the token at position 4 only (llama2.c: 7 int32 header, then the
        // embedding table). stories260K shares it with the classifier, so every position's logits hold a NaN.
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.WRITE)) {
            ByteBuffer nan = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < dim; i++) {
                nan.putFloat(Float.NaN);
            }
            nan.flip();
            ch.write(nan, 28L + (long) ids[4] * dim * 4);
        }
        try (Engine e = Engine.open(model, tok, 0); InferenceSession s = e.newSession(1)) {
            NonFiniteLogitsException score = assertThrows(NonFiniteLogitsException.class, () -> s.score(ids));
            assertEquals("non-finite logits at position 0: the model's weights hold NaN or infinity", score.getMessage());
            assertThrows(NonFiniteLogitsException.class, () -> s.loglikelihood("Once upon a time, there", " was a little girl."));
            int[] prompt = java.util.Arrays.copyOf(ids, 6);
            GenerationRequest req = new GenerationRequest(prompt, 4, new SamplingParams(0, 0, 1, 42));
            NonFiniteLogitsException gen = assertThrows(NonFiniteLogitsException.class, () -> s.generate(req));
            assertTrue(gen.getMessage().startsWith("non-finite logits at position 5"), gen.getMessage());
            assertThrows(NonFiniteLogitsException.class, () -> s.generateAll(List.of(req, req), 2));
            assertThrows(NonFiniteLogitsException.class, () -> s.generateAll(List.of(req), 2), "a failed batch leaves no state behind");
        }
    }
}
