package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.Transformer;

/** Checks a request against the model and says how many tokens it may generate. */
public final class RequestLimits {
    private RequestLimits() {
    }

    /**
     * The most new tokens {@code req} can get: its own limit, cut so that prompt and completion fit
     * the context (the last token is sampled but never run).
     *
     * @throws InvalidRequestException for a prompt over the context, or prompt or {@code logit_bias} ids
     *         outside the vocabulary
     */
    public static int maxNewTokens(GenerationRequest req, Transformer model) {
        int[] prompt = req.promptTokens();
        int limit = model.maxPositions();
        if (prompt.length > limit) {
            throw new InvalidRequestException("prompt has " + prompt.length + " tokens, over the context of " + limit);
        }
        int vocab = model.config().vocabSize();
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new InvalidRequestException("prompt token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        req.sampling().logitBias().requireWithin(vocab);
        return Math.min(req.maxTokens(), limit - prompt.length + 1);
    }

    /** {@link #maxNewTokens}, and a {@link io.sparkllama.engine.error.KvCacheBudgetException} unless the request fits {@code kv} alone. */
    public static int maxNewTokens(GenerationRequest req, Transformer model, KvBlockPool kv) {
        int maxNew = maxNewTokens(req, model);
        kv.requireFits(kvPositions(req.promptTokens().length, maxNew), "prompt " + req.promptTokens().length + " + up to " + maxNew + " new tokens");
        return maxNew;
    }

    /** Positions a request keeps in the KV cache: the prompt and every sampled token but the last (none when nothing is generated). */
    public static int kvPositions(int promptLength, int maxNew) {
        return maxNew == 0 ? 0 : promptLength + maxNew - 1;
    }
}
