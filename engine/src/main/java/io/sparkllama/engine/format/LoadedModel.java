package io.sparkllama.engine.format;

import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.List;

/**
 * A model ready to run: its configuration, its weights (views of mapped files) and its tokenizer.
 * Closing it unmaps the files; nothing may use the weights afterwards.
 *
 * @param description a short human-readable name, e.g. "llama2.c stories260K.bin"
 */
public record LoadedModel(ModelConfig config, LlamaWeights weights, Tokenizer tokenizer, String description,
                          List<MappedFile> files) implements AutoCloseable {
    @Override
    public void close() {
        for (MappedFile f : files) {
            f.close();
        }
    }
}
