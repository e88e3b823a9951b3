package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.error.Llama2cFormatException;
import io.sparkllama.engine.error.ModelMismatchException;
import io.sparkllama.engine.error.ModelNotFoundException;
import io.sparkllama.engine.error.SparkLlamaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broken llama2.c files, made here from the real one and taken from ../shared/models/bad, are refused clearly. */
class MalformedModelTest {
    @TempDir
    Path tmp;

    private Path tokenizer() {
        return SharedFiles.require("models/stories260K/tok512.bin");
    }

    /** stories260K.bin with header field {@code index} (0..6) replaced. */
    private Path withHeaderField(int index, int value) throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K/stories260K.bin"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(index * 4, value);
        Path p = tmp.resolve("field" + index + "_" + value + ".bin");
        Files.write(p, bytes);
        return p;
    }

    private static void assertRefused(Class<? extends SparkLlamaException> type, Path model, Path tok, String... fragments) {
        SparkLlamaException e = assertThrows(type, () -> Engine.open(model, tok, 0).close());
        assertTrue(e.getMessage().contains(model.getFileName().toString()) || e.getMessage().contains(tok.getFileName().toString()),
                "message names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @ParameterizedTest(name = "header field {0} = {1}")
    @CsvSource({
        "0, 0, dim is 0",
        "0, -64, dim is -64",
        "2, 0, n_layers is 0",
        "3, 7, n_heads 7 does not divide dim 64",
        "4, 16, n_kv_heads 16 must divide n_heads 8",
        "5, 0, vocab_size is 0",
        "0, 1073741824, 'dim is 1073741824, must be 1 to 1048576'",
        "2, 100000, 'n_layers is 100000, must be 1 to 16384'",
        "2, 4, 'n_layers 4, n_heads 8, n_kv_heads 4, vocab_size 512, seq_len 512) implies 874780'",
        "6, 2147483647, 'seq_len is 2147483647, must be 1 to 16777216'",
        "6, 511, 'seq_len 511) implies 1056508'",
    })
    void inconsistentHeader(int field, int value, String expected) throws IOException {
        assertRefused(Llama2cFormatException.class, withHeaderField(field, value), tokenizer(), expected);
    }

    @Test
    void truncatedWeights() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K/stories260K.bin"));
        Path p = tmp.resolve("truncated.bin");
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(Llama2cFormatException.class, p, tokenizer(), "truncated");
    }

    @Test
    void shortAndEmptyFiles() throws IOException {
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        assertRefused(Llama2cFormatException.class, empty, tokenizer(), "header needs 28 bytes");
        Path shortFile = tmp.resolve("short.bin");
        Files.write(shortFile, new byte[20]);
        assertRefused(Llama2cFormatException.class, shortFile, tokenizer(), "file has 20");
    }

    @ParameterizedTest
    @CsvSource({
        "empty.bin, header needs",
        "short-header.bin, header needs",
        "truncated.bin, truncated",
        "heads-not-dividing-dim.bin, does not divide",
        "kv-heads-over-heads.bin, n_kv_heads",
        "negative-layers.bin, n_layers is -5",
        "huge-dim.bin, dim is 1073741824",
        "zero-vocab.bin, vocab_size is 0",
    })
    void sharedBadFiles(String file, String expected) {
        assertRefused(Llama2cFormatException.class, SharedFiles.require("models/bad/" + file), tokenizer(), expected);
    }

    @Test
    void tokenizerOfAnotherModel() {
        Path model = SharedFiles.require("models/stories260K/stories260K.bin");
        Path tok = SharedFiles.require("models/llama2-tokenizer/tokenizer.bin");
        assertRefused(ModelMismatchException.class, model, tok, "vocab_size 512", "32000 tokens");
    }

    @Test
    void missingFile() {
        Path missing = tmp.resolve("nope.bin");
        assertRefused(ModelNotFoundException.class, missing, tokenizer(), "no such file");
    }
}
