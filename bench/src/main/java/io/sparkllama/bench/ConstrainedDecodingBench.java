package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.OutputFormat;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.structured.MaskCache;
import io.sparkllama.engine.structured.MatchState;
import io.sparkllama.engine.structured.OutputConstraint;
import io.sparkllama.engine.structured.TokenMask;
import io.sparkllama.engine.structured.TokenTrie;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of structured output per generated token: the same rows (sampled, temperature 1)
 * generated unconstrained, under a JSON schema and under a list of choices, interleaved for ROUNDS
 * rounds after a warm-up round, in one session; reports milliseconds per generated token of each
 * and the constrained minus the unconstrained figure, in microseconds. The load average is recorded (the machine
 * may be shared).
 *
 * <p>Usage: {@code ConstrainedDecodingBench MODEL TOKENIZER ROWS ROUNDS OUT.json}
 */
public final class ConstrainedDecodingBench {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":24},"
            + "\"age\":{\"type\":\"integer\"},\"happy\":{\"type\":\"boolean\"},\"mood\":{\"enum\":[\"glad\",\"sad\",\"sleepy\"]},"
            + "\"friends\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":16},\"maxItems\":4}},\"required\":[\"name\"]}";

    private ConstrainedDecodingBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tokenizer = args[1].isEmpty() ? null : Path.of(args[1]);
        int rows = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Map<String, OutputFormat> kinds = new LinkedHashMap<>();
        kinds.put("unconstrained", null);
        kinds.put("json_schema", OutputFormat.jsonSchema(SCHEMA));
        kinds.put("choices", OutputFormat.choices(List.of("positive", "negative", "neutral", "mixed feelings")));
        Map<String, double[]> msPerToken = new LinkedHashMap<>();
        Map<String, Long> tokens = new LinkedHashMap<>();
        Map<String, Object> maskOnly = new LinkedHashMap<>();
        Map<String, Object> maskUncached = new LinkedHashMap<>();
        Map<String, Object> maskCold = new LinkedHashMap<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        try (Engine engine = Engine.open(model, tokenizer, 0); InferenceSession session = engine.newSession(1)) {
            for (int round = 0; round <= rounds; round++) {
                for (Map.Entry<String, OutputFormat> k : kinds.entrySet()) {
                    List<GenerationRequest> reqs = new ArrayList<>();
                    for (int i = 0; i < rows; i++) {
                        int[] prompt = engine.tokenizer().encode("Once upon a time, a girl number " + i, true);
                        reqs.add(new GenerationRequest(prompt, 120, new SamplingParams(1f, 0, 1f, 100 + i)).withOutput(0, k.getValue()));
                    }
                    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                    long t0 = System.nanoTime();
                    List<GenerationResult> results = session.generateAll(reqs, rows);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    long n = results.stream().mapToLong(r -> r.tokens().length).sum();
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("round", round);
                    r.put("kind", k.getKey());
                    r.put("generated_tokens", n);
                    r.put("ms", ms);
                    r.put("ms_per_token", ms / n);
                    r.put("load_average_before", load);
                    runs.add(r);
                    System.err.println(r);
                    if (round == rounds && k.getValue() != null) {
                        OutputConstraint c = OutputConstraint.of(k.getValue().jsonSchema(), k.getValue().choices());
                        maskUncached.put(k.getKey(), maskMicros(engine, reqs, results, c, new MaskCache(0))[0]);
                        double[] cached = maskMicros(engine, reqs, results, c, new MaskCache(MaskCache.DEFAULT_BYTES));
                        maskOnly.put(k.getKey(), cached[0]);
                        maskCold.put(k.getKey(), cached[1]);
                    }
                    if (round > 0) {
                        msPerToken.computeIfAbsent(k.getKey(), x -> new double[rounds])[round - 1] = ms / n;
                        tokens.merge(k.getKey(), n, Long::sum);
                    }
                }
            }
        }
        Map<String, Object> result = BenchRecord.start("constrained-decoding", model, rows);
        result.put("threads", 1);
        result.put("batch", rows);
        result.put("schema", SCHEMA);
        Map<String, Object> medians = new LinkedHashMap<>();
        double base = Median.of(msPerToken.get("unconstrained"));
        for (String k : msPerToken.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            double med = Median.of(msPerToken.get(k));
            m.put("median_us_per_token", Rounded.of(med * 1000));
            m.put("overhead_us_per_token", Rounded.of((med - base) * 1000));
            m.put("tokens_per_round", tokens.get(k) / rounds);
            medians.put(k, m);
        }
        result.put("medians", medians);
        result.put("mask_only_us_per_token", maskOnly);
        result.put("mask_only_uncached_us_per_token", maskUncached);
        result.put("mask_only_cold_cache_us_per_token", maskCold);
        result.put("shared_mask_cache_hits", MaskCache.shared().hits());
        result.put("shared_mask_cache_misses", MaskCache.shared().misses());
        result.put("mask_cache", MaskCache.DEFAULT_BYTES + " bytes, a fresh cache per replay series (its first replay fills it)");
        result.put("shared_mask_cache_bytes_used", MaskCache.shared().usedBytes());
        result.put("runs", runs);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(medians));
        System.out.println("mask only, us per token (median of 5 replays): cached " + maskOnly + ", uncached " + maskUncached
                + "; first replay into an empty cache " + maskCold + "; shared cache hits " + MaskCache.shared().hits()
                + ", misses " + MaskCache.shared().misses());
    }

    /**
     * The mask step alone, without the forward pass (so far less exposed to a shared machine's
     * noise): replays each completion's grammar states and times {@link TokenMask#apply} at each
     * token with {@code cache} (a fresh one, or one of budget 0: the walk every step); the median
     * over 5 replays of the mean microseconds per token, and the first replay's (into the empty cache).
     */
    private static double[] maskMicros(Engine engine, List<GenerationRequest> reqs, List<GenerationResult> results, OutputConstraint c, MaskCache cache) {
        int vocab = engine.vocabSize();
        TokenMask mask = new TokenMask(vocab, cache);
        float[] logits = new float[vocab];
        double[] perReplay = new double[5];
        for (int replay = 0; replay < perReplay.length; replay++) {
            long nanos = 0;
            long n = 0;
            for (int i = 0; i < results.size(); i++) {
                int[] prompt = reqs.get(i).promptTokens();
                int previous = prompt[prompt.length - 1];
                MatchState state = c.start();
                int[] out = results.get(i).tokens();
                for (int t = 0; t < out.length && state != null && !state.done(); t++) {
                    long t0 = System.nanoTime();
                    mask.apply(state, reqs.get(i).maxTokens() - t, TokenTrie.of(engine.tokenizer(), previous), new int[0], logits, 0, vocab);
                    nanos += System.nanoTime() - t0;
                    n++;
                    if (engine.tokenizer().isStopToken(out[t])) {
                        break;
                    }
                    state = state.step(engine.tokenizer().decodeBytes(previous, out[t]));
                    previous = out[t];
                }
            }
            perReplay[replay] = nanos / 1e3 / Math.max(1, n);
        }
        return new double[] {Rounded.of(Median.of(perReplay)), Rounded.of(perReplay[0])};
    }
}
