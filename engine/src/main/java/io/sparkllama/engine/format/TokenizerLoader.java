package io.sparkllama.engine.format;

import io.sparkllama.engine.format.gguf.GgufFile;
import io.sparkllama.engine.format.gguf.GgufTokenizerReader;
import io.sparkllama.engine.error.ModelNotFoundException;
import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.format.llama2c.Llama2cTokenizerReader;
import io.sparkllama.engine.format.sentencepiece.SentencePieceModelReader;
import io.sparkllama.engine.format.tiktoken.TiktokenReader;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a stand-alone tokenizer file, detecting its format from its first bytes: a GGUF file
 * (tokenizer from its metadata), a SentencePiece
 * {@code tokenizer.model} protobuf (Llama 1/2), tiktoken {@code base64 rank} lines (Llama 3), or
 * llama2.c's {@code tokenizer.bin}.
 */
public final class TokenizerLoader {
    /** Names looked for beside a model, in order of preference. */
    private static final List<String> NAMES = List.of("tokenizer.model", "tokenizer.bin");

    private TokenizerLoader() {
    }

    /** The tokenizer in {@code file}: GGUF metadata, SentencePiece protobuf, tiktoken ranks or llama2.c tokenizer.bin. */
    public static Tokenizer load(Path file) {
        if (ModelLoader.isGguf(file)) {
            try (MappedFile mapped = MappedFile.open(file)) {
                return GgufTokenizerReader.read(GgufFile.read(mapped));
            }
        }
        try (MappedFile f = MappedFile.open(file)) {
            if (SentencePieceModelReader.looksLike(f.segment())) {
                return SentencePieceModelReader.read(file, f.segment());
            }
            if (TiktokenReader.looksLike(f.segment())) {
                return TiktokenReader.read(file, f.segment());
            }
        }
        return Llama2cTokenizerReader.read(file);
    }

    /** The tokenizer file in {@code dir} or its parent (Meta ships tokenizer.model beside the model directories). */
    public static Path findBeside(Path dir) {
        Path d = dir.toAbsolutePath();
        for (Path where : new Path[] {d, d.getParent()}) {
            if (where == null) {
                continue;
            }
            for (String name : NAMES) {
                if (Files.isRegularFile(where.resolve(name))) {
                    return where.resolve(name);
                }
            }
        }
        throw new ModelNotFoundException("no tokenizer in " + d + " (expected " + String.join(" or ", NAMES)
                + "); pass one with --tokenizer");
    }

    static TokenizerFormatException unknown(Path file) {
        return TokenizerFormatException.of(file, "not a known tokenizer format");
    }
}
