package io.sparkllama.engine.format;

import io.sparkllama.engine.format.gguf.GgufFile;
import io.sparkllama.engine.format.gguf.GgufTokenizerReader;
import io.sparkllama.engine.format.llama2c.Llama2cTokenizerReader;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/** Opens a stand-alone tokenizer file, detecting its format. */
public final class TokenizerLoader {
    private TokenizerLoader() {
    }

    /** A llama2.c {@code tokenizer.bin}, or the tokenizer in a GGUF file's metadata. */
    public static Tokenizer load(Path file) {
        if (ModelLoader.isGguf(file)) {
            try (MappedFile mapped = MappedFile.open(file)) {
                return GgufTokenizerReader.read(GgufFile.read(mapped));
            }
        }
        return Llama2cTokenizerReader.read(file);
    }
}
