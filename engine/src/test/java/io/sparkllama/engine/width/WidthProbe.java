package io.sparkllama.engine.width;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.IdOnlyTokenizer;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.LlamaCppPerplexity;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.LoadedModel;
import io.sparkllama.engine.format.meta.MetaCheckpointReader;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tensor.WidthKernelCases;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine computes that a vector width could change, as named digests of the exact
 * bits: every kernel of every stored type (odd sizes, tails included), scoring, greedy, sampled
 * and batched generation of every model format in ../shared, and llama.cpp-method perplexity.
 * {@link VectorWidthTest} runs it in JVMs limited to narrower vectors and compares.
 */
public final class WidthProbe {
    private static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside"
            + " in the park with her friends. One day, she saw a big red ball under a tree.";

    private WidthProbe() {
    }

    /** Prints {@code lanes N} and then one {@code name digest} line per case. */
    public static void main(String[] args) {
        System.out.println("lanes " + KernelSpecies.LANES);
        for (Map.Entry<String, String> e : results().entrySet()) {
            System.out.println(e.getKey() + " " + e.getValue());
        }
    }

    /** The digests by case name, in a fixed order. */
    public static Map<String, String> results() {
        Map<String, String> out = new LinkedHashMap<>(WidthKernelCases.results());
        Path shared = SharedFiles.root();
        model(out, "stories260K.bin", shared.resolve("models/stories260K/stories260K.bin"), ActivationPrecision.INT8);
        model(out, "h192.bin", shared.resolve("models/stories260K-h192/stories260K-h192.bin"), ActivationPrecision.INT8);
        model(out, "synth15M.bin", shared.resolve("models/synth15M/synth15M.bin"), shared.resolve("models/llama2-tokenizer/tokenizer.bin"),
                ActivationPrecision.INT8);
        for (String type : new String[] {"f32", "f16", "q8_0", "q4_0"}) {
            Path gguf = shared.resolve("models/stories260K-h192/gguf/stories260K-h192-" + type + ".gguf");
            model(out, "h192-" + type + "-int8", gguf, ActivationPrecision.INT8);
            if (type.startsWith("q")) {
                model(out, "h192-" + type + "-fp32", gguf, ActivationPrecision.FP32);
            }
        }
        model(out, "synth15M-q8_0", shared.resolve("models/synth15M/gguf/synth15M-q8_0.gguf"), ActivationPrecision.INT8);
        model(out, "synth15M-q4_0", shared.resolve("models/synth15M/gguf/synth15M-q4_0.gguf"), ActivationPrecision.INT8);
        for (KvCacheType kv : new KvCacheType[] {KvCacheType.F16, KvCacheType.BF16}) {
            kvModel(out, "h192-q8_0-kv-" + kv.label(), shared.resolve("models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf"), kv);
            kvModel(out, "synth15M.bin-kv-" + kv.label(), shared.resolve("models/synth15M/synth15M.bin"), kv);
        }
        Path tok512 = shared.resolve("models/stories260K/tok512.bin");
        model(out, "hf", shared.resolve("models/stories260K/hf"), tok512, ActivationPrecision.INT8);
        model(out, "meta", shared.resolve("models/stories260K/meta"), tok512, ActivationPrecision.INT8);
        model(out, "meta-bf16", shared.resolve("models/stories260K/meta-bf16"), tok512, ActivationPrecision.INT8);
        model(out, "llama2-tiny-gguf", shared.resolve("models/tiny-random-llama2/llama-2-tiny-random.gguf"), ActivationPrecision.INT8);
        tinyLlama3(out, shared.resolve("models/tiny-random-llama3/meta"));
        perplexity(out, shared);
        return out;
    }

    private static void model(Map<String, String> out, String name, Path path, ActivationPrecision precision) {
        model(out, name, path, null, precision);
    }

    private static void model(Map<String, String> out, String name, Path path, Path tokenizer, ActivationPrecision precision) {
        if (!Files.exists(path)) {
            out.put(name, "absent");
            return;
        }
        try (Engine engine = Engine.open(path, tokenizer, 0, precision)) {
            cases(out, name, engine, engine.tokenizer().encode(TEXT, true));
        }
    }

    /** A model whose sessions keep their KV cache in {@code kv}. */
    private static void kvModel(Map<String, String> out, String name, Path path, KvCacheType kv) {
        if (!Files.exists(path)) {
            out.put(name, "absent");
            return;
        }
        Path tokenizer = path.toString().endsWith(".bin") ? SharedFiles.root().resolve("models/llama2-tokenizer/tokenizer.bin") : null;
        try (Engine engine = Engine.open(path, tokenizer, 0, ActivationPrecision.INT8, 0, kv)) {
            cases(out, name, engine, engine.tokenizer().encode(TEXT, true));
        }
    }

    private static void tinyLlama3(Map<String, String> out, Path dir) {
        if (!Files.exists(dir)) {
            out.put("llama3-tiny", "absent");
            return;
        }
        MetaCheckpointReader.Result r = MetaCheckpointReader.read(dir);
        LoadedModel m = new LoadedModel(r.config(), r.weights(), new IdOnlyTokenizer(r.config().vocabSize()), "tiny-random-llama3", r.files());
        try (Engine engine = Engine.open(m, 512)) {
            int[] ids = new int[40];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 7919 + 13) % r.config().vocabSize();
            }
            cases(out, "llama3-tiny", engine, ids);
        }
    }

    /** Teacher-forced scoring, greedy and sampled decode, and a batch of three generated together. */
    private static void cases(Map<String, String> out, String name, Engine engine, int[] tokens) {
        try (InferenceSession session = engine.newSession(2)) {
            ScoreResult s = session.score(tokens);
            out.put(name + " score", BitDigest.of(s.logprobs(), s.sumLogprob()));
            int[] prompt = java.util.Arrays.copyOf(tokens, 6);
            GenerationResult greedy = session.generate(new GenerationRequest(prompt, 24, SamplingParams.GREEDY));
            out.put(name + " greedy", BitDigest.of(greedy.tokens(), greedy.logprobs()));
            GenerationResult sampled = session.generate(new GenerationRequest(prompt, 24, new SamplingParams(0.8f, 0, 0.9f, 7L)));
            out.put(name + " sampled", BitDigest.of(sampled.tokens(), sampled.logprobs()));
            List<GenerationRequest> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(new GenerationRequest(java.util.Arrays.copyOf(tokens, 3 + 4 * i), 12, new SamplingParams(0.7f, 40, 1f, 11L + i)));
            }
            List<GenerationResult> results = session.generateAll(batch, 3);
            for (int i = 0; i < results.size(); i++) {
                out.put(name + " batch" + i, BitDigest.of(results.get(i).tokens(), results.get(i).logprobs()));
            }
        }
    }

    /** The case the AVX2 suite failed on: llama.cpp's method over golden/ppl_text.txt, Q8_0 with int8 activations. */
    private static void perplexity(Map<String, String> out, Path shared) {
        Path model = shared.resolve("models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf");
        Path text = shared.resolve("golden/ppl_text.txt");
        if (!Files.exists(model) || !Files.exists(text)) {
            out.put("perplexity", "absent");
            return;
        }
        try (Engine engine = Engine.open(model, null, 0, ActivationPrecision.INT8); InferenceSession session = engine.newSession(2)) {
            int[] tokens = engine.tokenizer().encode(Files.readString(text), true);
            double ppl = LlamaCppPerplexity.run(session, tokens, 128, engine.tokenizer().bosId()).perplexity();
            out.put("perplexity q8_0 int8", Double.toString(ppl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
