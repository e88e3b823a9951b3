package io.sparkllama.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.error.UnsupportedTensorTypeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broken and hostile GGUF files are refused with one clear message naming the file and the field. */
class GgufMalformedTest {
    @TempDir
    Path tmp;

    private static ModelFormatException assertRefused(Path model, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Engine.open(model, null, 0).close());
        assertTrue(e.getMessage().contains(model.getFileName().toString()), "message names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gguf-bad-magic.gguf | bad magic",
        "gguf-bad-version.gguf | GGUF version 99 is not supported",
        "gguf-huge-tensor-count.gguf | tensor_count 4611686018427387904",
        "gguf-huge-kv-count.gguf | metadata_kv_count 2305843009213693952",
        "gguf-huge-key-length.gguf | has length 1099511627776",
        "gguf-truncated.gguf | truncated",
    })
    void sharedBadFiles(String file, String expected) {
        Path p = SharedFiles.require("models/bad/" + file);
        // Bad magic is not detected as GGUF at all; read it as GGUF directly too.
        if (!file.equals("gguf-bad-magic.gguf")) {
            assertRefused(p, expected);
        }
        try (var mapped = io.sparkllama.engine.format.MappedFile.open(p)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.read(mapped));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void rowsNotAMultipleOfTheBlockNameTheTensor() {
        assertRefused(SharedFiles.require("models/stories260K/gguf/public-stories260K-q8_0-v2.gguf"),
                "tensor blk.0.ffn_down.weight", "172", "Q8_0");
    }

    @Test
    void unsupportedTensorTypeNamesTypeAndTensor() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf"));
        // Retype the 1-D output_norm.weight [64] as Q4_1: its name, n_dims, one dim, then the type.
        int at = indexOf(bytes, "output_norm.weight".getBytes(StandardCharsets.US_ASCII));
        int typeAt = at + "output_norm.weight".length() + 4 + 8;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 3);
        Path p = tmp.resolve("q4_1-norm.gguf");
        Files.write(p, bytes);
        ModelFormatException e = assertRefused(p, "unsupported tensor type Q4_1 in tensor output_norm.weight");
        assertTrue(e instanceof UnsupportedTensorTypeException);
    }

    @Test
    void truncatedHeaderAtEveryLength() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf"));
        // Every cut inside the header and tensor directory must give a ModelFormatException, nothing else.
        for (int len = 0; len < 12_000; len += 7) {
            Path p = tmp.resolve("cut.gguf");
            Files.write(p, java.util.Arrays.copyOf(bytes, len));
            try (var mapped = io.sparkllama.engine.format.MappedFile.open(p)) {
                assertThrows(ModelFormatException.class, () -> GgufFile.read(mapped), "cut at " + len);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
