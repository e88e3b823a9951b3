package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Our engine's decode, scoring and batched-generation speeds on one model, after JIT warm-up. */
final class EngineRuns {
    private static final int[] BOS = {1};
    /**
     * Warm-up runs go on at least this long: C2 compiles the Vector API kernels late on a busy
     * 2-core machine, and until then the fallback code is orders of magnitude slower.
     */
    private static final long WARMUP_NANOS = 5_000_000_000L;

    private EngineRuns() {
    }

    /**
     * Decode tok/s of greedy single-sequence generation from BOS, run after {@code warmups} JIT
     * warm-up runs; when {@code runc} is given, each run is paired with one run.c run right after
     * it, so that both see the same machine load (this machine is shared and its speed drifts).
     *
     * @return per run: {@code [ours, runc]} (runc 0 when absent)
     */
    static double[][] decodePairs(Engine engine, int threads, int tokens, int warmups, int runs,
                                  RunCReference runc, java.nio.file.Path model, java.nio.file.Path tokenizer) throws Exception {
        try (InferenceSession s = engine.newSession(threads)) {
            GenerationRequest req = new GenerationRequest(BOS, tokens, SamplingParams.GREEDY);
            long until = System.nanoTime() + WARMUP_NANOS;
            for (int i = 0; i < warmups || System.nanoTime() < until; i++) {
                s.generate(req);
            }
            double[][] pairs = new double[runs][2];
            for (int i = 0; i < runs; i++) {
                pairs[i][0] = s.generate(req).decodeTokensPerSecond();
                pairs[i][1] = runc == null ? 0 : runc.decodeTokPerSec(model, tokenizer, threads, tokens + 1);
            }
            return pairs;
        }
    }

    /** Median scoring tok/s (teacher forcing) of a seeded random sequence of {@code length} ids. */
    static double scoreTokPerSec(Engine engine, int threads, int length, int warmups, int runs) {
        int[] tokens = randomTokens(engine.config().vocabSize(), length, 42);
        try (InferenceSession s = engine.newSession(threads)) {
            long until = System.nanoTime() + WARMUP_NANOS;
            for (int i = 0; i < warmups || System.nanoTime() < until; i++) {
                s.score(tokens);
            }
            double[] rates = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.score(tokens);
                rates[i] = (length - 1) * 1e9 / (System.nanoTime() - t0);
            }
            return Median.of(rates);
        }
    }

    /** Aggregate generated tok/s of {@code requests} seeded-sampling requests run {@code maxBatch} at a time. */
    static double batchedTokPerSec(Engine engine, int threads, int maxBatch, int requests, int promptLen, int newTokens, int runs) {
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int[] prompt = randomTokens(engine.config().vocabSize(), promptLen, 1000 + i);
            prompt[0] = 1;
            reqs.add(new GenerationRequest(prompt, newTokens, new SamplingParams(1f, 0, 1f, i)));
        }
        try (InferenceSession s = engine.newSession(threads)) {
            s.generateAll(reqs.subList(0, Math.min(requests, maxBatch)), maxBatch);
            double[] rates = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                List<GenerationResult> out = s.generateAll(reqs, maxBatch);
                long ns = System.nanoTime() - t0;
                long generated = 0;
                for (GenerationResult g : out) {
                    generated += g.tokens().length;
                }
                rates[r] = generated * 1e9 / ns;
            }
            return Median.of(rates);
        }
    }

    static int[] randomTokens(int vocab, int length, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] t = new int[length];
        t[0] = 1;
        for (int i = 1; i < length; i++) {
            t[i] = 3 + rnd.nextInt(vocab - 3);
        }
        return t;
    }
}
