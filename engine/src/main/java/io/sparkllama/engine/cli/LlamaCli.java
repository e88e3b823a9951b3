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
import io.sparkllama.engine.generate.GenerationSettingsJson;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
                       [--presence-penalty F] [--logit-bias JSON] [--stop JSON] [--seed K] [--threads N]
                       [--context N] [--activations A] [--kv-cache-memory B] [--kv-cache-type f32|f16|bf16] [--json]
              chat     --model M [--tokenizer T] --messages JSON [--template llama2|llama3|model] [generate options]
              score    --model M [--tokenizer T] --text S [--threads N] [--context N] [--activations A]
                       [--kv-cache-memory B] [--kv-cache-type f32|f16|bf16] [--json]
            M is a model file or directory; T a tokenizer file (default: the model's own).
            A (Q8_0 and Q4_0 weights only): int8 quantizes activations per block of 32 as llama.cpp does
            (default, faster); fp32 multiplies the dequantized weights in fp32.
            B: bytes of off-heap KV cache, e.g. 512m or 4g (default half the max heap, at least 256m).
            --logit-bias is a JSON object from token id to bias ({"13": -100}), --stop a JSON array of strings.
            With --json each command prints one JSON object. chat's JSON is an array of {"role", "content"}
            (roles system, user, assistant; the last from the user); it prints what generate prints.
            chat's --template defaults to model: the model file's own chat template (GGUF or tokenizer_config.json).""";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The options generate and chat share. */
    private static final Set<String> SAMPLING = Set.of("model", "tokenizer", "max-tokens", "temperature", "top-k", "top-p", "min-p",
            "repetition-penalty", "frequency-penalty", "presence-penalty", "logit-bias", "stop", "seed", "threads", "context",
            "activations", "kv-cache-memory", "kv-cache-type");

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
                    union(SAMPLING, "messages", "template"),
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
        try (Engine engine = open(a); InferenceSession session = engine.newSession(threads(a))) {
            int[] prompt = engine.tokenizer().encode(a.require("prompt"), true);
            GenerationResult r = session.generate(new GenerationRequest(prompt, a.intValue("max-tokens", 256), sampling(a), new int[0], stop(a)));
            printGeneration(a, out, a.require("prompt"), r, MemoryUsage.of(session));
        }
    }

    private static void chat(CliArguments a, PrintStream out) {
        List<ChatMessage> messages = ChatMessagesJson.parse(a.require("messages"));
        try (Engine engine = open(a); InferenceSession session = engine.newSession(threads(a))) {
            ChatTemplate template = engine.chatTemplate(a.get("template", "model"));
            int[] prompt = template.encode(messages);
            GenerationResult r = session.generate(new GenerationRequest(prompt, a.intValue("max-tokens", 256), sampling(a),
                    template.stopTokens(), stop(a)));
            printGeneration(a, out, "", r, MemoryUsage.of(session));
        }
    }

    private static SamplingParams sampling(CliArguments a) {
        String bias = a.get("logit-bias", null);
        return new SamplingParams(a.floatValue("temperature", 0f), a.intValue("top-k", 0), a.floatValue("top-p", 1f), a.longValue("seed", 42),
                a.floatValue("min-p", 0f), a.floatValue("repetition-penalty", 1f), a.floatValue("frequency-penalty", 0f),
                a.floatValue("presence-penalty", 0f), bias == null ? LogitBias.NONE : LogitBias.of(GenerationSettingsJson.logitBias(bias)));
    }

    private static List<String> stop(CliArguments a) {
        String stop = a.get("stop", null);
        return stop == null ? List.of() : GenerationSettingsJson.stop(stop);
    }

    /** Prints a completion: the JSON fields of generate, or the text after {@code prefix} and a summary line. */
    private static void printGeneration(CliArguments a, PrintStream out, String prefix, GenerationResult r, MemoryUsage memory) {
        if (a.flag("json")) {
            ObjectNode o = JSON.createObjectNode();
            o.set("prompt_token_ids", ints(r.promptTokens()));
            o.set("token_ids", ints(r.tokens()));
            o.set("token_logprobs", floats(r.logprobs()));
            o.put("text", r.text());
            o.put("finish_reason", r.finishReason().label());
            o.put("prompt_tok_per_s", r.promptTokensPerSecond());
            o.put("decode_tok_per_s", r.decodeTokensPerSecond());
            o.set("memory", memory(memory));
            out.println(o);
        } else {
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
