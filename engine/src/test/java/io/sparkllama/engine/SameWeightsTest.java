package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.engine.score.ScoreResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The same weights in two containers give the same numbers. */
class SameWeightsTest {

    /** llama2xs: llama2.c model.bin vs its PyTorch training checkpoint (nested state dict, model_args, torch.compile names). */
    @Test
    void llama2xsCheckpointMatchesBin() {
        Path tok = SharedFiles.require("models/stories260K/tok512.bin"); // vocab 512 too; its own tokenizer is unpublished
        int[] tokens = {1, 403, 407, 261, 378, 430, 271, 500, 280, 301, 2, 1, 67, 89, 420, 344};
        float[] fromBin;
        try (Engine e = Engine.open(SharedFiles.require("models/llama2xs/llama2xs_model.bin"), tok, 0);
             InferenceSession s = e.newSession(1)) {
            fromBin = s.score(tokens).logprobs();
        }
        try (Engine e = Engine.open(SharedFiles.require("models/llama2xs/llama2xs_ckpt.pt"), tok, 0);
             InferenceSession s = e.newSession(1)) {
            assertEquals(192, e.config().hiddenDim());
            ScoreResult r = s.score(tokens);
            for (int i = 0; i < fromBin.length; i++) {
                assertEquals(fromBin[i], r.logprobs()[i], 1e-5, "logprob at position " + i);
            }
        }
    }
}
