package io.sparkllama.engine.generate;

import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.Sampler;
import io.sparkllama.engine.sampling.SeededRandom;
import io.sparkllama.engine.tokenizer.TextAssembler;
import io.sparkllama.engine.tokenizer.Tokenizer;

/**
 * Produces completions one request at a time: the prompt is prefilled in chunks as matrix-matrix
 * products, then tokens are decoded one by one. Its KV cache takes blocks from the session's pool
 * and gives them back after each request; one per thread, all sharing the same mapped weights.
 */
public final class Generator {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final ForwardState state;
    private final KvBlockPool kv;
    private final KvCache cache;
    private final Sampler sampler;
    private final int[] one = new int[1];

    public Generator(Transformer model, Tokenizer tokenizer, WorkerPool pool, KvBlockPool kv, int prefillChunk) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.state = model.newState(prefillChunk, pool);
        this.kv = kv;
        this.cache = model.newCache(kv);
        this.sampler = new Sampler(model.config().vocabSize());
    }

    public GenerationResult generate(GenerationRequest req) {
        int maxNew = RequestLimits.maxNewTokens(req, model, kv);
        try {
            return generate(req, maxNew);
        } finally {
            cache.release();
        }
    }

    private GenerationResult generate(GenerationRequest req, int maxNew) {
        int[] prompt = req.promptTokens();
        int vocab = model.config().vocabSize();
        float[] logits = state.logits;
        SeededRandom rng = new SeededRandom(req.sampling().seed());
        int[] out = new int[maxNew];
        float[] logprobs = new float[maxNew];
        TextAssembler text = new TextAssembler();

        long t0 = System.nanoTime();
        int chunk = state.maxTokens();
        for (int done = 0; done < prompt.length && maxNew > 0; done += chunk) {
            int n = Math.min(chunk, prompt.length - done);
            model.forward(prompt, done, n, done, cache, state, false);
        }
        long t1 = System.nanoTime();
        int count = 0;
        FinishReason reason = FinishReason.LENGTH;
        int previous = prompt[prompt.length - 1];
        int pos = prompt.length;
        while (count < maxNew) {
            double lse = FiniteLogits.logSumExp(logits, 0, vocab, pos - 1);
            int next = sampler.sample(logits, 0, vocab, req.sampling(), rng);
            logprobs[count] = (float) FiniteLogits.logprob(logits[next], lse, pos - 1);
            out[count++] = next;
            if (tokenizer.isStopToken(next) || req.isStopToken(next)) {
                reason = FinishReason.STOP;
                break;
            }
            text.append(tokenizer.decodeBytes(previous, next));
            previous = next;
            if (count == maxNew) {
                break;
            }
            one[0] = next;
            model.forward(one, 0, 1, pos++, cache, state, false);
        }
        long t2 = System.nanoTime();
        return new GenerationResult(prompt, java.util.Arrays.copyOf(out, count), java.util.Arrays.copyOf(logprobs, count),
                text.toString(), reason, t1 - t0, t2 - t1);
    }
}
