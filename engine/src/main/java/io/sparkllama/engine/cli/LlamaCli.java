package io.sparkllama.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.engine.chat.ChatTemplate;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.engine.format.TokenizerLoader;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code bin/llama}: tokenize, generate and score from the command line, no Spark involved. */
public final class LlamaCli {
    private static final String USAGE = """
            usage: llama <command> [options]
              tokenize --tokenizer T --text S [--no-bos] [--json]
              generate --model M [--tokenizer T] --prompt S [--max-tokens N] [--temperature X]
                       [--top-k K] [--top-p P] [--min-p P] [--repetition-penalty R] [--frequency-penalty F]
                       [--presence-penalty F] [--logit-bias JSON] [--stop JSON] [--seed K] [--n N]
                       [--top-logprobs K] [--json-schema FILE|JSON | --choices a,b,c] [--system S]
                       [--template llama2|llama3|model] [--threads N] [--context N] [--activations A]
                       [--kv-cache-memory B] [--kv-cache-type f32|f16|bf16] [--json]
              chat     --model M [--tokenizer T] --messages JSON [--system S] [--template llama2|llama3|model] [generate options]
              score    --model M [--tokenizer T] --text S [--threads N] [--context N] [--activations A]
                       [--kv-cache-memory B] [--kv-cache-type f32|f16|bf16] [--json]
            M is a model file or directory; T a tokenizer file (default: the model's own).
            A (Q8_0 and Q4_0 weights only): int8 quantizes activations per block of 32 as llama.cpp does
            (default, faster); fp32 multiplies the dequantized weights in fp32.
            B: bytes of off-heap KV cache, e.g. 512m or 4g (default half the max heap, at least 256m).
            --logit-bias is a JSON object from token id to bias ({"13": -100}), --stop a JSON array of strings.
            --n N (1-16) samples, sample k > 0 seeded as the jobs seed it; with --json one line per sample.
            --top-logprobs K (1-20): the K most likely ids per generated token. --json-schema (a file, or the
            schema itself when it starts with '{') or --choices (comma-separated labels): constrained output.
            generate with --system or --template is a chat: the prompt is the user message.
            With --json each command prints one JSON object. chat's JSON is an array of {"role", "content"}
            (roles system, user, assistant; the last from the user); it prints what generate prints.
            chat's --template defaults to model: the model file's own chat template (GGUF or tokenizer_config.json).""";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The options generate and chat share. */
    private static final Set<String> SAMPLING = Set.of("model", "tokenizer", "max-tokens", "temperature", "top-k", "top-p", "min-p",
            "repetition-penalty", "frequency-penalty", "presence-penalty", "logit-bias", "stop", "seed", "threads", "context",
            "activations", "kv-cache-memory", "kv-cache-type", "n", "top-logprobs", "json-schema", "choices", "system", "template");

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(List.of(more));
        return s;
    }

    private LlamaCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int status;
        try {
            status = run(args, out);
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (SparkLlamaException e) {
            System.err.println("error: " + e.getMessage());
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    static int run(String[] args, PrintStream out) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0]) {
            case "tokenize" -> tokenize(CliArguments.parse("tokenize", args, 1, Set.of("tokenizer", "text", "model"), Set.of("json", "no-bos")), out);
            case "generate" -> generate(CliArguments.parse("generate", args, 1,
                    union(SAMPLING, "prompt"),
                    Set.of("json")), out);
            case "chat" -> chat(CliArguments.parse("chat", args, 1,
                    union(SAMPLING, "messages"),
                    Set.of("json")), out);
            case "score" -> score(CliArguments.parse("score", args, 1, Set.of("model", "tokenizer", "text", "threads", "context", "activations", "kv-cache-memory", "kv-cache-type"), Set.of("json")), out);
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        }
        return 0;
    }

    private static void tokenize(CliArguments a, PrintStream out) {
        Tokenizer tok;
        if (a.get("tokenizer", null) != null) {
            tok = TokenizerLoader.load(Path.of(a.require("tokenizer")));
        } else {
            try (Engine engine = Engine.open(Path.of(a.require("model")), null, 1)) {
                tok = engine.tokenizer();
            }
        }
        int[] ids = tok.encode(a.require("text"), !a.flag("no-bos"));
        if (a.flag("json")) {
            ObjectNode o = JSON.createObjectNode();
            o.set("token_ids", ints(ids));
            out.println(o);
        } else {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append(id).append(' ');
            }
            out.println(sb.toString().trim());
        }
    }

    private static void generate(CliArguments a, PrintStream out) {
        GenerationOptions g = GenerationOptions.of(a);
        String text = a.require("prompt");
        try (Engine engine = open(a); InferenceSession session = engine.newSession(threads(a))) {
            if (a.get("system", null) == null && a.get("template", null) == null) {
                generateAll(a, g, out, text, session, engine.tokenizer().encode(text, true), new int[0]);
            } else {
                List<ChatMessage> messages = new ArrayList<>(2);
                if (a.get("system", null) != null) {
                    messages.add(new ChatMessage("system", a.get("system", null)));
                }
                messages.add(new ChatMessage("user", text));
                ChatTemplate template = engine.chatTemplate(a.get("template", "model"));
                generateAll(a, g, out, "", session, template.encode(messages), template.stopTokens());
            }
        }
    }

    private static void chat(CliArguments a, PrintStream out) {
        GenerationOptions g = GenerationOptions.of(a);
        List<ChatMessage> messages = new ArrayList<>(ChatMessagesJson.parse(a.require("messages")));
        if (a.get("system", null) != null) {
            messages.add(0, new ChatMessage("system", a.get("system", null)));
        }
        try (Engine engine = open(a); InferenceSession session = engine.newSession(threads(a))) {
            ChatTemplate template = engine.chatTemplate(a.get("template", "model"));
            generateAll(a, g, out, "", session, template.encode(messages), template.stopTokens());
        }
    }

    /** Generates the {@code --n} samples of one prompt in one batch and prints each. */
    private static void generateAll(CliArguments a, GenerationOptions g, PrintStream out, String prefix, InferenceSession session,
                                    int[] prompt, int[] stopTokens) {
        List<GenerationRequest> requests = new ArrayList<>(g.n());
        for (int k = 0; k < g.n(); k++) {
            requests.add(new GenerationRequest(prompt, a.intValue("max-tokens", 256), g.sampling(k), stopTokens, g.stop(), g.topLogprobs(), g.output()));
        }
        List<GenerationResult> results = g.n() == 1 ? List.of(session.generate(requests.get(0))) : session.generateAll(requests, g.n());
        MemoryUsage memory = MemoryUsage.of(session);
        for (int k = 0; k < results.size(); k++) {
            printGeneration(a, out, prefix, results.get(k), memory, g.n() > 1 ? k : -1);
        }
    }

    /** Prints a completion: the JSON fields of generate, or the text after {@code prefix} and a summary line. */
    private static void printGeneration(CliArguments a, PrintStream out, String prefix, GenerationResult r, MemoryUsage memory, int sample) {
        if (a.flag("json")) {
            ObjectNode o = JSON.createObjectNode();
            if (sample >= 0) {
                o.put("sample_index", sample);
            }
            o.set("prompt_token_ids", ints(r.promptTokens()));
            o.set("token_ids", ints(r.tokens()));
            o.set("token_logprobs", floats(r.logprobs()));
            if (r.topK() > 0) {
                o.set("top_logprobs", topLogprobs(r));
            }
            o.put("text", r.text());
            o.put("finish_reason", r.finishReason().label());
            o.put("prompt_tok_per_s", r.promptTokensPerSecond());
            o.put("decode_tok_per_s", r.decodeTokensPerSecond());
            o.set("memory", memory(memory));
            out.println(o);
        } else {
            if (sample >= 0) {
                out.printf(Locale.ROOT, "[sample %d]%n", sample);
            }
            out.println(prefix + r.text());
            out.printf(Locale.ROOT, "%n[%d prompt tokens at %.1f tok/s, %d generated at %.1f tok/s, finish: %s]%n",
                    r.promptTokens().length, r.promptTokensPerSecond(), r.tokens().length, r.decodeTokensPerSecond(),
                    r.finishReason().label());
        }
    }

    private static void score(CliArguments a, PrintStream out) {
        try (Engine engine = open(a); InferenceSession session = engine.newSession(threads(a))) {
            int[] tokens = engine.tokenizer().encode(a.require("text"), true);
            ScoreResult r = session.score(tokens);
            if (a.flag("json")) {
                ObjectNode o = JSON.createObjectNode();
                o.set("token_ids", ints(r.tokens()));
                o.set("token_logprobs", floats(r.logprobs()));
                o.put("sum_logprob", r.sumLogprob());
                o.put("n_scored", r.scored());
                o.put("perplexity", r.perplexity());
                o.put("tok_per_s", r.tokensPerSecond());
                o.set("memory", memory(MemoryUsage.of(session)));
                out.println(o);
            } else {
                out.printf(Locale.ROOT, "tokens %d, scored %d, sum logprob %.6f, mean NLL %.6f, perplexity %.4f (%.1f tok/s)%n",
                        r.tokens().length, r.scored(), r.sumLogprob(), r.meanNll(), r.perplexity(), r.tokensPerSecond());
            }
        }
    }

    private static Engine open(CliArguments a) {
        String tok = a.get("tokenizer", null);
        ActivationPrecision precision;
        try {
            precision = ActivationPrecision.parse(a.get("activations", Engine.DEFAULT_PRECISION.name()), "--activations");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long kv = 0;
        String kvText = a.get("kv-cache-memory", null);
        if (kvText != null) {
            try {
                kv = KvCacheMemory.parse(kvText);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--kv-cache-memory: " + e.getMessage());
            }
        }
        KvCacheType kvType;
        try {
            kvType = KvCacheType.parse(a.get("kv-cache-type", "f32"), "--kv-cache-type");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int context = a.intValue("context", 0);
        if (context < 0) {
            throw new UsageException("--context must be >= 0 (0 = the model's own), got " + context);
        }
        return Engine.open(Path.of(a.require("model")), tok == null ? null : Path.of(tok), context, precision, kv, kvType);
    }

    /** The {@code memory} object of {@code --json}: bytes of mapped and repacked weights, KV element type, budget and peak, heap peak. */
    private static ObjectNode memory(MemoryUsage m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("mapped_weight_bytes", m.mappedWeightBytes());
        o.put("repacked_weight_bytes", m.repackedWeightBytes());
        o.put("kv_cache_type", m.kvCacheType().label());
        o.put("kv_cache_capacity_bytes", m.kvCapacityBytes());
        o.put("kv_cache_peak_bytes", m.kvPeakBytes());
        o.put("heap_peak_bytes", m.heapPeakBytes());
        return o;
    }

    private static int threads(CliArguments a) {
        int t = a.intValue("threads", 1);
        if (t < 1) {
            throw new UsageException("--threads must be >= 1, got " + t);
        }
        return t;
    }

    /** Per generated token, its {@code topK} alternatives as {@code {"id", "logprob"}} objects, most likely first. */
    private static ArrayNode topLogprobs(GenerationResult r) {
        ArrayNode all = JSON.createArrayNode();
        int k = r.topK();
        for (int t = 0; t < r.tokens().length; t++) {
            ArrayNode at = all.addArray();
            for (int j = 0; j < k; j++) {
                ObjectNode e = at.addObject();
                e.put("id", r.topIds()[t * k + j]);
                e.put("logprob", r.topLogprobs()[t * k + j]);
            }
        }
        return all;
    }

    private static ArrayNode ints(int[] values) {
        ArrayNode arr = JSON.createArrayNode();
        for (int v : values) {
            arr.add(v);
        }
        return arr;
    }

    private static ArrayNode floats(float[] values) {
        ArrayNode arr = JSON.createArrayNode();
        for (float v : values) {
            arr.add(v);
        }
        return arr;
    }
}
