package io.sparkllama.engine.batch;

import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.sampling.SeededRandom;
import io.sparkllama.engine.tokenizer.TextAssembler;
import java.util.Arrays;

/** One request's progress inside the batch: prompt tokens fed so far, tokens sampled, its cache and generator. */
final class SequenceState {
    final int index;
    final GenerationRequest request;
    final int[] prompt;
    final int maxNew;
    final SeededRandom rng;
    final int[] out;
    final float[] logprobs;
    final TextAssembler text = new TextAssembler();
    KvCache cache;
    /** Prompt tokens already run through the model. */
    int prefilled;
    /** The token to feed in the next decode step and its position. */
    int pending;
    int pos;
    int count;
    int previous;
    FinishReason reason = FinishReason.LENGTH;
    final long joinedNanos;
    long firstTokenNanos;

    SequenceState(int index, GenerationRequest request, int maxNew, KvCache cache, long now) {
        this.index = index;
        this.request = request;
        this.prompt = request.promptTokens();
        this.maxNew = maxNew;
        this.cache = cache;
        this.rng = new SeededRandom(request.sampling().seed());
        this.out = new int[maxNew];
        this.logprobs = new float[maxNew];
        this.previous = prompt[prompt.length - 1];
        this.joinedNanos = now;
    }

    boolean prefilling() {
        return prefilled < prompt.length;
    }

    GenerationResult result(long now) {
        long first = firstTokenNanos == 0 ? now : firstTokenNanos;
        return new GenerationResult(prompt, Arrays.copyOf(out, count), Arrays.copyOf(logprobs, count), text.toString(),
                reason, first - joinedNanos, now - first);
    }
}
