package io.sparkllama.engine.format;

import io.sparkllama.engine.format.llama2c.Llama2cTokenizerReader;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/** Opens a stand-alone tokenizer file, detecting its format. */
public final class TokenizerLoader {
    private TokenizerLoader() {
    }

    public static Tokenizer load(Path file) {
        return Llama2cTokenizerReader.read(file);
    }
}
