package io.sparkllama.engine;

import io.sparkllama.engine.format.LoadedModel;
import io.sparkllama.engine.format.ModelLoader;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A loaded model ready for inference: mapped weights, tokenizer and the forward pass. Thread-safe
 * and shared; each thread works through its own {@link InferenceSession}.
 */
public final class Engine implements AutoCloseable {
    /** Prefill and scoring chunk: enough tokens per weight load to be compute-bound. */
    public static final int DEFAULT_CHUNK = 64;

    private final LoadedModel model;
    private final Transformer transformer;

    private Engine(LoadedModel model, int maxContext) {
        this.model = model;
        int ctx = model.config().contextLength();
        this.transformer = new Transformer(model.config(), model.weights(), maxContext > 0 ? Math.min(ctx, maxContext) : ctx);
    }

    /**
     * @param tokenizer  null to use the tokenizer inside or beside the model
     * @param maxContext positions to serve at most (bounds KV cache memory); 0 for the model's own
     */
    public static Engine open(Path model, Path tokenizer, int maxContext) {
        return new Engine(ModelLoader.load(model, tokenizer), maxContext);
    }

    /** An engine over an already loaded model (e.g. one read by a format reader with a tokenizer of the caller's). */
    public static Engine open(LoadedModel model, int maxContext) {
        return new Engine(model, maxContext);
    }

    public ModelConfig config() {
        return model.config();
    }

    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

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

    public InferenceSession newSession(int threads) {
        return new InferenceSession(this, threads, DEFAULT_CHUNK);
    }

    @Override
    public void close() {
        model.close();
    }
}
