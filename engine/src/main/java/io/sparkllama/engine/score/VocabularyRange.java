package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;

/** Token ids index the embedding and logits rows: one outside {@code [0, vocab)} would read another row's memory, so it is refused. */
final class VocabularyRange {
    private VocabularyRange() {
    }

    static void check(int[] tokens, int vocab) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new InvalidRequestException("token id " + tokens[i] + " at position " + i + " is outside the vocabulary (0 to "
                        + (vocab - 1) + ")");
            }
        }
    }
}
