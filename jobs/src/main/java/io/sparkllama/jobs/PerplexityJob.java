package io.sparkllama.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.LlamaCppPerplexity;
import io.sparkllama.engine.RollingPerplexity;
import io.sparkllama.engine.score.DocumentSize;
import io.sparkllama.engine.score.PerplexityResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.udfs.ModelHandle;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Perplexity of one text file, on the driver (one file is one sequential pass; no executors):
 * llama.cpp's chunked method or lm-eval's rolling windows.
 */
public final class PerplexityJob {
    /** The valued command-line options. */
    public static final Set<String> OPTIONS = Set.of("input", "model", "tokenizer", "ctx", "mode", "threads", "activations", "master");

    private PerplexityJob() {
    }

    /** The job's inputs, checked before the model is opened. */
    public record Config(Path input, ModelHandle model, int ctx, String mode, int threads) {
        public static Config from(JobArguments a) {
            String mode = a.option("mode") == null ? "llamacpp" : a.option("mode");
            if (!mode.equals("llamacpp") && !mode.equals("rolling")) {
                throw new JobConfigException("perplexity: --mode must be llamacpp or rolling, got '" + mode + "'");
            }
            int ctx = positive(a, "ctx", 512);
            int threads = positive(a, "threads", 1);
            String value = a.option("activations") == null ? Engine.DEFAULT_PRECISION.label() : a.option("activations");
            ActivationPrecision activations = ActivationPrecision.ofLabel(value);
            if (activations == null) {
                throw new JobConfigException("perplexity: --activations must be int8 or fp32, got '" + value + "'");
            }
            // Rolling windows run ctx tokens of input plus one target; the KV cache needs ctx positions.
            return new Config(Path.of(a.require("input")), ModelHandle.local(a.require("model"), a.option("tokenizer"), ctx, activations),
                    ctx, mode, threads);
        }

        private static int positive(JobArguments a, String name, int fallback) {
            String v = a.option(name);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new JobConfigException("perplexity: --" + name + " must be a positive integer, got '" + v + "'");
        }
    }

    /** Runs the method and returns the JSON summary (also printed by {@link #print}). */
    public static ObjectNode run(Config c) {
        String text = readText(c.input());
        try (Engine engine = Engine.open(Path.of(c.model().model()),
                c.model().tokenizer() == null ? null : Path.of(c.model().tokenizer()), c.ctx(), c.model().activations());
             InferenceSession session = engine.newSession(c.threads())) {
            if (engine.contextLength() < c.ctx()) {
                throw new JobConfigException("perplexity: --ctx " + c.ctx() + " is over the model's context of " + engine.contextLength());
            }
            int bos = engine.tokenizer().bosId();
            PerplexityResult r = c.mode().equals("llamacpp")
                    ? LlamaCppPerplexity.run(session, engine.tokenizer().encode(text, true), c.ctx(), bos)
                    : RollingPerplexity.run(session, engine.tokenizer().encode(text, false), c.ctx(), bos);
            return toJson(c, engine.description(), r, DocumentSize.of(text));
        }
    }

    static ObjectNode toJson(Config c, String model, PerplexityResult r, DocumentSize size) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("perplexity", r.perplexity());
        o.put("n_tokens", r.nTokens());
        o.put("perplexity_stderr", r.perplexityStderr());
        o.put("mean_nll", r.meanNll());
        o.put("n_scored", r.nScored());
        o.put("mode", c.mode());
        o.put("ctx", c.ctx());
        o.put("activations", c.model().activations().label());
        boolean rolling = c.mode().equals("rolling");
        o.put(rolling ? "n_windows" : "n_chunks", r.windows());
        // Word and byte figures need every token scored once: only the rolling method does that.
        if (rolling) {
            o.put("word_perplexity", size.wordPerplexity(r.sumNll()));
            o.put("byte_perplexity", size.bytePerplexity(r.sumNll()));
            o.put("bits_per_byte", size.bitsPerByte(r.sumNll()));
        } else {
            o.putNull("word_perplexity");
            o.putNull("byte_perplexity");
            o.putNull("bits_per_byte");
        }
        o.put("words", size.words());
        o.put("bytes", size.bytes());
        o.put("tok_per_s", r.tokensPerSecond());
        o.put("input", c.input().toString());
        o.put("model", model);
        ArrayNode w = o.putArray(rolling ? "window_nll" : "chunk_nll");
        for (double v : r.windowNll()) {
            w.add(v);
        }
        return o;
    }

    public static void print(ObjectNode result, boolean json, PrintStream out) {
        if (json) {
            out.println(result.toString());
            return;
        }
        out.printf(Locale.ROOT, "perplexity (%s, ctx %d): %.4f +/- %.5f over %d scored tokens of %d, %s %d%n",
                result.get("mode").asText(), result.get("ctx").asInt(), result.get("perplexity").asDouble(),
                result.get("perplexity_stderr").asDouble(), result.get("n_scored").asLong(), result.get("n_tokens").asLong(),
                result.has("n_windows") ? "windows" : "chunks", result.has("n_windows") ? result.get("n_windows").asInt() : result.get("n_chunks").asInt());
        if (!result.get("word_perplexity").isNull()) {
            out.printf(Locale.ROOT, "word perplexity %.4f, byte perplexity %.4f, bits per byte %.4f%n",
                    result.get("word_perplexity").asDouble(), result.get("byte_perplexity").asDouble(), result.get("bits_per_byte").asDouble());
        }
        out.printf(Locale.ROOT, "%.0f tok/s%n", result.get("tok_per_s").asDouble());
    }

    static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobConfigException("perplexity: input file " + p + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("perplexity: cannot read " + p + " as UTF-8 text", e);
        }
    }
}
