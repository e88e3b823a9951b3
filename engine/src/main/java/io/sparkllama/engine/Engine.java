package io.sparkllama.engine;

import io.sparkllama.engine.chat.ChatTemplate;
import io.sparkllama.engine.chat.JinjaChatTemplate;
import io.sparkllama.engine.error.ChatTemplateException;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.format.ChatTemplateSource;
import io.sparkllama.engine.format.LoadedModel;
import io.sparkllama.engine.format.ModelLoader;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.generate.ChatPrompt;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tensor.kernel.VectorSupport;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model ready for inference: mapped weights, tokenizer and the forward pass. Thread-safe
 * and shared; each thread works through its own {@link InferenceSession}.
 */
public final class Engine implements AutoCloseable {
    /** Prefill and scoring chunk: enough tokens per weight load to be compute-bound. */
    public static final int DEFAULT_CHUNK = 64;
    /**
     * Quantized weights meet 8-bit activations by default, as in llama.cpp: the same numbers as
     * llama.cpp, and about twice the decode speed of dequantizing to fp32.
     */
    public static final ActivationPrecision DEFAULT_PRECISION = ActivationPrecision.INT8;

    private final LoadedModel model;
    private final Transformer transformer;
    private final long kvCacheMemory;
    private final KvCacheType kvCacheType;
    /** The model file or directory, read for its own chat template on first use; null for an engine over a loaded model. */
    private final Path modelPath;
    /** The outcome of looking for the model file's own template, once: its source, or the exception saying why there is none. */
    private Object modelTemplate;
    /** Chat templates by name, built once. */
    private final Map<String, ChatTemplate> chatTemplates = new ConcurrentHashMap<>();

    private Engine(LoadedModel model, int maxContext, ActivationPrecision precision, long kvCacheMemory, KvCacheType kvCacheType,
                   Path modelPath) {
        this.model = model;
        this.modelPath = modelPath;
        this.kvCacheMemory = KvCacheMemory.orDefault(kvCacheMemory);
        this.kvCacheType = kvCacheType;
        int ctx = model.config().contextLength();
        this.transformer = new Transformer(model.config(), model.weights(), maxContext > 0 ? Math.min(ctx, maxContext) : ctx,
                precision);
    }

    /**
     * @param tokenizer  null to use the tokenizer inside or beside the model
     * @param maxContext positions to serve at most (the longest prompt plus completion); 0 for the model's own
     * @param precision  how Q8_0 and Q4_0 weights meet the activations ({@link #DEFAULT_PRECISION})
     */
    public static Engine open(Path model, Path tokenizer, int maxContext, ActivationPrecision precision) {
        return open(model, tokenizer, maxContext, precision, 0);
    }

    /** As {@link #open(Path, Path, int, ActivationPrecision)}, each session's KV cache within {@code kvCacheMemory} bytes (0: {@link KvCacheMemory#defaultBytes()}). */
    public static Engine open(Path model, Path tokenizer, int maxContext, ActivationPrecision precision, long kvCacheMemory) {
        return open(model, tokenizer, maxContext, precision, kvCacheMemory, KvCacheType.F32);
    }

    /** As {@link #open(Path, Path, int, ActivationPrecision, long)}, each session's KV cache of {@code kvCacheType} elements by default. */
    public static Engine open(Path model, Path tokenizer, int maxContext, ActivationPrecision precision, long kvCacheMemory,
                              KvCacheType kvCacheType) {
        VectorSupport.check();
        return new Engine(ModelLoader.load(model, tokenizer), maxContext, precision, kvCacheMemory, kvCacheType, model);
    }

    /** {@link #open(Path, Path, int, ActivationPrecision)} at the default precision. */
    public static Engine open(Path model, Path tokenizer, int maxContext) {
        return open(model, tokenizer, maxContext, DEFAULT_PRECISION);
    }

    /** An engine over an already loaded model (e.g. one read by a format reader with a tokenizer of the caller's). */
    public static Engine open(LoadedModel model, int maxContext, ActivationPrecision precision) {
        return open(model, maxContext, precision, 0);
    }

    /** As {@link #open(LoadedModel, int, ActivationPrecision)} with a KV budget per session (0: the default). */
    public static Engine open(LoadedModel model, int maxContext, ActivationPrecision precision, long kvCacheMemory) {
        return open(model, maxContext, precision, kvCacheMemory, KvCacheType.F32);
    }

    /** As {@link #open(LoadedModel, int, ActivationPrecision, long)} with the sessions' default KV element type. */
    public static Engine open(LoadedModel model, int maxContext, ActivationPrecision precision, long kvCacheMemory, KvCacheType kvCacheType) {
        VectorSupport.check();
        return new Engine(model, maxContext, precision, kvCacheMemory, kvCacheType, null);
    }

    /** {@link #open(LoadedModel, int, ActivationPrecision)} at the default precision. */
    public static Engine open(LoadedModel model, int maxContext) {
        return open(model, maxContext, DEFAULT_PRECISION);
    }

    /**
     * The chat template of this name: {@code llama2} or {@code llama3} (hand-written, as Meta's
     * reference code), or {@code model}, the model file's own rendered with Jinja.
     *
     * @throws ChatTemplateException for another name, or {@code model} when the file carries none
     */
    public ChatTemplate chatTemplate(String name) {
        return chatTemplates.computeIfAbsent(name, n -> {
            if (!n.equals("model")) {
                return ChatTemplate.named(n, model.tokenizer());
            }
            return new JinjaChatTemplate(modelTemplateSource(), model.tokenizer());
        });
    }

    /**
     * {@code messages} rendered by the chat template {@code template} ({@link #chatTemplate}): the
     * callers' way to a chat request, without the template types.
     *
     * @throws ChatTemplateException for an unknown or missing template, or one that fails to render
     */
    public ChatPrompt chatPrompt(String template, List<ChatMessage> messages) {
        ChatTemplate t = chatTemplate(template);
        return new ChatPrompt(t.encode(messages), t.stopTokens());
    }

    /** Checks that the chat template {@code name} exists for this model (a driver-side check before any row). */
    public void requireChatTemplate(String name) {
        chatTemplate(name);
    }

    private synchronized ChatTemplateSource modelTemplateSource() {
        if (modelTemplate == null) {
            try {
                ChatTemplateSource source = modelPath == null ? null : ChatTemplateSource.find(modelPath);
                modelTemplate = source != null ? source : new ChatTemplateException("template: the model file carries no chat template"
                        + " (GGUF tokenizer.chat_template or chat_template in tokenizer_config.json); set template to llama2 or llama3");
            } catch (ModelFormatException e) {
                modelTemplate = new ChatTemplateException("template: " + e.getMessage());
            }
        }
        if (modelTemplate instanceof ChatTemplateException e) {
            throw new ChatTemplateException(e.getMessage());
        }
        return (ChatTemplateSource) modelTemplate;
    }

    /** The model's hyperparameters, for the engine's own packages: callers use {@link #vocabSize()}, {@link #dim()}, {@link #layers()}. */
    public ModelConfig config() {
        return model.config();
    }

    /** Token ids are {@code 0 .. vocabSize() - 1}. */
    public int vocabSize() {
        return model.config().vocabSize();
    }

    /** The model's embedding width. */
    public int dim() {
        return model.config().dim();
    }

    /** Transformer blocks. */
    public int layers() {
        return model.config().nLayers();
    }

    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    /** The model itself, for the engine's own packages and the kernel benchmarks: not part of the API (docs/engine-api.md). */
    public Transformer transformer() {
        return transformer;
    }

    public String description() {
        return model.description();
    }

    /** Longest sequence (prompt plus completion) this engine serves. */
    public int contextLength() {
        return transformer.maxPositions();
    }

    /** Bytes of the memory-mapped model files (page cache, not heap). */
    public long mappedBytes() {
        long total = 0;
        for (var f : model.files()) {
            total += f.size();
        }
        return total;
    }

    /** Bytes of off-heap weight copies made at load (fp32 and int8 row panels). */
    public long repackedBytes() {
        return transformer.weights().offHeapCopyBytes();
    }

    /** Bytes of KV cache each session may hold ({@code kv_cache_memory}). */
    public long kvCacheMemory() {
        return kvCacheMemory;
    }

    /** The KV element type of sessions that do not name one ({@code kv_cache_type}). */
    public KvCacheType kvCacheType() {
        return kvCacheType;
    }

    public InferenceSession newSession(int threads) {
        return newSession(threads, 0);
    }

    /** A session whose KV cache holds at most {@code kvCacheMemory} bytes (0: this engine's {@link #kvCacheMemory()}). */
    public InferenceSession newSession(int threads, long kvCacheMemory) {
        return newSession(threads, kvCacheMemory, null);
    }

    /** As {@link #newSession(int, long)}, its KV cache of {@code type} elements (null: this engine's {@link #kvCacheType()}). */
    public InferenceSession newSession(int threads, long kvCacheMemory, KvCacheType type) {
        return new InferenceSession(this, threads, DEFAULT_CHUNK, kvCacheMemory > 0 ? kvCacheMemory : this.kvCacheMemory,
                type != null ? type : kvCacheType);
    }

    /** Bytes a KV budget of {@code kvCacheMemory} (0: this engine's) holds in whole blocks of {@code type} elements. */
    public long kvCapacityBytes(long kvCacheMemory, KvCacheType type) {
        try (KvBlockPool pool = transformer.newBlockPool(kvCacheMemory > 0 ? kvCacheMemory : this.kvCacheMemory, type)) {
            return pool.capacityBytes();
        }
    }

    /** Bytes of one KV block ({@code KvBlockPool.BLOCK} positions of every layer) of {@code type} elements. */
    public long kvBlockBytes(KvCacheType type) {
        try (KvBlockPool pool = transformer.newBlockPool(this.kvCacheMemory, type)) {
            return pool.blockBytes();
        }
    }

    /** A loglikelihood calculator with its own {@code threads} worker threads and a KV pool of this engine's budget (closed by its {@code close}). */
    public Loglikelihood newLoglikelihood(int threads) {
        return newLoglikelihood(threads, 0, null);
    }

    /** As {@link #newLoglikelihood(int)} with a KV budget of {@code kvCacheMemory} bytes (0: this engine's) and blocks of {@code type} (null: this engine's). */
    public Loglikelihood newLoglikelihood(int threads, long kvCacheMemory, KvCacheType type) {
        WorkerPool pool = new WorkerPool(threads);
        KvBlockPool kv = transformer.newBlockPool(kvCacheMemory > 0 ? kvCacheMemory : this.kvCacheMemory, type != null ? type : kvCacheType);
        return Loglikelihood.owning(transformer, tokenizer(), pool, kv, DEFAULT_CHUNK);
    }

    /** Unmaps the model files and frees the repacked copies: the engine and its sessions must not be used after. */
    @Override
    public void close() {
        try {
            model.close();
        } finally {
            transformer.close();
        }
    }
}
