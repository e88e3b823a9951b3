package io.sparkllama.udfs;

import java.io.Serializable;
import java.util.Objects;

/**
 * What an executor needs to open a model: where the files are and how to serve it. Small and
 * serializable, so the driver broadcasts it instead of the weights.
 *
 * @param model      a model file or directory (local path or file: URI)
 * @param tokenizer  a tokenizer file, or null for the model's own
 * @param maxContext positions to serve at most (bounds KV cache memory); 0 for the model's own
 */
public record ModelHandle(String model, String tokenizer, int maxContext) implements Serializable {
    public ModelHandle {
        Objects.requireNonNull(model, "model");
    }

    /** A short id for logs and output metadata. */
    public String id() {
        return tokenizer == null ? model : model + " + " + tokenizer;
    }
}
