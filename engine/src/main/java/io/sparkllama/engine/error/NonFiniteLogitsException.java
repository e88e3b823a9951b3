package io.sparkllama.engine.error;

/**
 * A forward step gave NaN or infinite logits: the model's weights (or a file changed under the job)
 * hold non-finite values. The request fails with this as its row error; no NaN logprob is written.
 */
public class NonFiniteLogitsException extends InvalidRequestException {
    public NonFiniteLogitsException(int position) {
        super("non-finite logits at position " + position + ": the model's weights hold NaN or infinity");
    }
}
