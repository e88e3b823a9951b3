package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.LlamaCppPerplexity;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.PerplexityResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Our engine's decode, scoring and batched-generation speeds on one model, after JIT warm-up. */
final class EngineRuns {
    /**
     * Warm-up runs go on at least this long: C2 compiles the Vector API kernels late on a busy
     * 2-core machine, and until then the fallback code is orders of magnitude slower.
     */
    private static final long WARMUP_NANOS = 5_000_000_000L;

    private EngineRuns() {
    }

    /** Runs {@code run} at least {@code times} times and for at least {@link #WARMUP_NANOS}. */
    private static void warmUp(int times, Runnable run) {
        long until = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < times || System.nanoTime() < until; i++) {
            run.run();
        }
    }

    /** One timed run of a reference program: its decode tok/s. */
    @FunctionalInterface
    interface ReferenceRun {
        double tokPerSec() throws Exception;
    }

    /**
     * Decode tok/s of greedy single-sequence generation from BOS, run after {@code warmups} JIT
     * warm-up runs; when {@code reference} is given, each run is paired with one reference run
     * right after it, so that both see the same machine load (this machine is shared and its
     * speed drifts by up to 1.5x between minutes).
     *
     */
    static DecodePairs decodePairs(Engine engine, int threads, int tokens, int warmups, int runs, ReferenceRun reference) throws Exception {
        try (InferenceSession s = engine.newSession(threads)) {
            GenerationRequest req = new GenerationRequest(new int[] {bos(engine)}, tokens, SamplingParams.GREEDY);
            warmUp(warmups, () -> s.generate(req));
            double[] ours = new double[runs];
            double[] theirs = new double[runs];
            for (int i = 0; i < runs; i++) {
                ours[i] = s.generate(req).decodeTokensPerSecond();
                theirs[i] = reference == null ? 0 : reference.tokPerSec();
            }
            return new DecodePairs(ours, theirs);
        }
    }

    /** Median scoring tok/s (teacher forcing) of a seeded random sequence of {@code length} ids. */
    static double scoreTokPerSec(Engine engine, int threads, int length, int warmups, int runs) {
        int[] tokens = randomTokens(engine, length, 42);
        try (InferenceSession s = engine.newSession(threads)) {
            warmUp(warmups, () -> s.score(tokens));
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
            int[] prompt = randomTokens(engine, promptLen, 1000 + i);
            reqs.add(new GenerationRequest(prompt, newTokens, new SamplingParams(1f, 0, 1f, i)));
        }
        try (InferenceSession s = engine.newSession(threads)) {
            warmUp(1, () -> s.generateAll(reqs.subList(0, Math.min(requests, maxBatch)), maxBatch));
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

    /**
     * Prefill tok/s: a prompt of {@code length} seeded random ids generating one token, so that
     * only the last position goes through the classifier (what llama-bench's pp measures).
     */
    static double prefillTokPerSec(Engine engine, int threads, int length, int warmups, int runs) {
        GenerationRequest req = new GenerationRequest(randomTokens(engine, length, 43), 1, SamplingParams.GREEDY);
        try (InferenceSession s = engine.newSession(threads)) {
            warmUp(warmups, () -> s.generate(req));
            double[] rates = new double[runs];
            for (int i = 0; i < runs; i++) {
                rates[i] = s.generate(req).promptTokensPerSecond();
            }
            return Median.of(rates);
        }
    }

    /** A perplexity result and the wall-clock time of the run that gave it. */
    record TimedPerplexity(PerplexityResult result, long wallNanos) {
    }

    /** One timed llama.cpp-method perplexity run over {@code tokens}, after JIT warm-up runs. */
    static TimedPerplexity perplexity(Engine engine, int threads, int[] tokens, int nCtx) {
        int bos = bos(engine);
        try (InferenceSession s = engine.newSession(threads)) {
            warmUp(1, () -> LlamaCppPerplexity.run(s, tokens, nCtx, bos));
            long t0 = System.nanoTime();
            PerplexityResult r = LlamaCppPerplexity.run(s, tokens, nCtx, bos);
            return new TimedPerplexity(r, System.nanoTime() - t0);
        }
    }

    /** BOS first, then ids drawn from the whole vocabulary but its first three. */
    static int[] randomTokens(Engine engine, int length, long seed) {
        int vocab = engine.vocabSize();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] t = new int[length];
        t[0] = bos(engine);
        for (int i = 1; i < length; i++) {
            t[i] = 3 + rnd.nextInt(vocab - 3);
        }
        return t;
    }

    /** The tokenizer's BOS (1 for Llama 2, 128000 for Llama 3); 1 when it has none. */
    private static int bos(Engine engine) {
        int bos = engine.tokenizer().bosId();
        return bos >= 0 ? bos : 1;
    }
}
