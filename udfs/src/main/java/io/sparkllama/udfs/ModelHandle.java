package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.spark.broadcast.Broadcast;

/**
 * What an executor needs to open a model: which files (with their sha256), how they reach the
 * executor, how to serve them. Small and serializable, so the driver broadcasts it instead of
 * the weights.
 *
 * @param model      the model as given: a file or directory (local path or Hadoop URI)
 * @param tokenizer  a tokenizer file as given, or null for the model's own
 * @param maxContext positions to serve at most (bounds KV cache memory); 0 for the model's own
 * @param activations how Q8_0/Q4_0 weights meet the activations (int8 as llama.cpp, or fp32)
 * @param transport  {@code path}, {@code spark-files} or {@code broadcast} (see {@link ModelTransport})
 * @param files      the model's files; a directory model keeps its layout (flat)
 * @param tokenizerFile the tokenizer file, or null
 * @param chunks     for the broadcast transport: each file's pieces, in the order of {@code files}
 *                   then the tokenizer; empty otherwise
 * @param kvCacheMemory bytes of KV cache an executor's tasks may hold together ({@code kv_cache_memory}, divided
 *                   among its task slots by {@link TaskKvCache}); 0 for the default. Not part of {@link #cacheKey()}: sessions, not the loaded model, use it
 * @param modelCacheMemory bytes of models an executor keeps loaded ({@code model_cache_memory}, see
 *                   {@link ExecutorModels}); 0 for the default. Not part of {@link #cacheKey()}
 * @param kvCacheType the KV cache's element type ({@code kv_cache_type}); null for f32. Not part of
 *                   {@link #cacheKey()}: one loaded model serves sessions of any type
 */
public record ModelHandle(String model, String tokenizer, int maxContext, ActivationPrecision activations,
                          String transport, boolean directory,
                          List<ModelFile> files, ModelFile tokenizerFile, List<List<Broadcast<byte[]>>> chunks,
                          long kvCacheMemory, long modelCacheMemory, KvCacheType kvCacheType)
        implements Serializable {
    public ModelHandle {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(activations, "activations");
        files = List.copyOf(files);
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** A handle with the default KV budget. */
    public ModelHandle(String model, String tokenizer, int maxContext, ActivationPrecision activations, String transport, boolean directory,
                       List<ModelFile> files, ModelFile tokenizerFile, List<List<Broadcast<byte[]>>> chunks) {
        this(model, tokenizer, maxContext, activations, transport, directory, files, tokenizerFile, chunks, 0, 0, null);
    }

    /** This handle with the executor's KV budget and model cache budget set (0: their defaults). */
    public ModelHandle withMemoryBudgets(long kvCacheMemory, long modelCacheMemory) {
        return new ModelHandle(model, tokenizer, maxContext, activations, transport, directory, files, tokenizerFile, chunks,
                kvCacheMemory, modelCacheMemory, kvCacheType);
    }

    /** This handle with the sessions' KV element type set (null: f32). */
    public ModelHandle withKvCacheType(KvCacheType type) {
        return new ModelHandle(model, tokenizer, maxContext, activations, transport, directory, files, tokenizerFile, chunks,
                kvCacheMemory, modelCacheMemory, type);
    }

    /** A handle for a model opened in place, with no digests (tests and the local CLI path). */
    public static ModelHandle local(String model, String tokenizer, int maxContext, ActivationPrecision activations) {
        return new ModelHandle(model, tokenizer, maxContext, activations, "path", false, List.of(), null, List.of());
    }

    /** As {@link #local(String, String, int, ActivationPrecision)} with the engine's default activations. */
    public static ModelHandle local(String model, String tokenizer, int maxContext) {
        return local(model, tokenizer, maxContext, Engine.DEFAULT_PRECISION);
    }

    /** A short id for logs and output metadata. */
    public String id() {
        return tokenizer == null ? model : model + " + " + tokenizer;
    }

    /**
     * The executor cache key: files, digests and options, not the broadcast objects (each task
     * deserializes its own copies of those).
     */
    public String cacheKey() {
        StringBuilder b = new StringBuilder(model).append('|').append(tokenizer).append('|').append(maxContext).append('|').append(activations)
                .append('|').append(transport);
        for (ModelFile f : files) {
            b.append('|').append(f.name()).append('=').append(f.sha256());
        }
        if (tokenizerFile != null) {
            b.append("|tok=").append(tokenizerFile.sha256());
        }
        return b.toString();
    }

    /** The files to deliver: the model's, then the tokenizer's. */
    public List<ModelFile> allFiles() {
        if (tokenizerFile == null) {
            return files;
        }
        java.util.ArrayList<ModelFile> all = new java.util.ArrayList<>(files);
        all.add(tokenizerFile);
        return all;
    }
}
