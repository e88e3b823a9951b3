package io.sparkllama.engine.batch;

import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.OutputFormat;
import io.sparkllama.engine.generate.RequestLimits;
import io.sparkllama.engine.generate.StopStrings;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.sampling.SeededRandom;
import io.sparkllama.engine.sampling.TokenCounts;
import io.sparkllama.engine.structured.MatchState;
import io.sparkllama.engine.structured.OutputConstraint;
import io.sparkllama.engine.tokenizer.TextAssembler;
import java.util.Arrays;

/** One request's progress inside the batch: tokens fed so far, tokens sampled, its cache and generator. */
final class SequenceState {
    /** The caller's name for the request (its index, or a row number). */
    final long tag;
    final GenerationRequest request;
    final int[] prompt;
    final int maxNew;
    final SeededRandom rng;
    final int[] out;
    final float[] logprobs;
    /** Alternatives per generated token ({@link GenerationRequest#topLogprobs}), {@code topK} per token. */
    final int topK;
    final int[] topIds;
    final float[] topLogprobs;
    /** Where the completion stands in its output grammar, or null when unconstrained. */
    MatchState match;
    final TextAssembler text = new TextAssembler();
    final KvCache cache;
    /** Ids seen so far, for the penalties; null when the request has none. */
    final TokenCounts counts;
    final StopStrings stopStrings;
    /** Tokens to prefill: the prompt, or after a preemption the prompt and every sampled token but the pending one. */
    int[] feed;
    /** Tokens of {@link #feed} already run through the model. */
    int prefilled;
    /** The token to feed in the next decode step and its position. */
    int pending;
    int pos;
    int count;
    int previous;
    FinishReason reason = FinishReason.LENGTH;
    final long joinedNanos;
    long firstTokenNanos;

    SequenceState(long tag, GenerationRequest request, int maxNew, KvCache cache, int vocab, long now) {
        this.tag = tag;
        this.request = request;
        this.prompt = request.promptTokens();
        this.feed = prompt;
        this.maxNew = maxNew;
        this.cache = cache;
        this.rng = new SeededRandom(request.sampling().seed());
        this.out = new int[maxNew];
        this.logprobs = new float[maxNew];
        this.topK = request.topLogprobs();
        this.topIds = new int[maxNew * topK];
        this.topLogprobs = new float[maxNew * topK];
        OutputConstraint constraint = constraint(request);
        this.match = constraint == null ? null : constraint.start();
        this.previous = prompt[prompt.length - 1];
        this.counts = maxNew > 0 && request.sampling().penalizes() ? TokenCounts.forPrompt(vocab, prompt, maxNew) : null;
        this.stopStrings = request.stopStrings().isEmpty() ? StopStrings.NONE : new StopStrings(request.stopStrings());
        this.joinedNanos = now;
    }

    /** The compiled form of the request's output format (cached per JVM), or null for none. */
    static OutputConstraint constraint(GenerationRequest request) {
        OutputFormat f = request.output();
        return f == null ? null : OutputConstraint.of(f.jsonSchema(), f.choices());
    }

    /** Positions this request keeps in the KV cache at most. */
    int kvPositions() {
        return RequestLimits.kvPositions(prompt.length, maxNew);
    }

    boolean prefilling() {
        return prefilled < feed.length;
    }

    /** Forgets the cache (its blocks were given back): everything before the pending token is fed again on rejoining. */
    void preempt() {
        if (count > 0) {
            feed = Arrays.copyOf(prompt, pos);
            System.arraycopy(out, 0, feed, prompt.length, pos - prompt.length);
        }
        prefilled = 0;
    }

    GenerationResult result(long now) {
        long first = firstTokenNanos == 0 ? now : firstTokenNanos;
        return new GenerationResult(prompt, Arrays.copyOf(out, count), Arrays.copyOf(logprobs, count), text.toString(),
                reason, first - joinedNanos, now - first, topK, Arrays.copyOf(topIds, count * topK), Arrays.copyOf(topLogprobs, count * topK));
    }
}
