package io.sparkllama.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.GgufFormatException;
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
        Path src = SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf");
        String last;
        try (var mapped = io.sparkllama.engine.format.MappedFile.open(src)) {
            last = GgufFile.read(mapped).tensors().keySet().stream().reduce((a, b) -> b).orElseThrow();
        }
        // Retype the last tensor (no tensor follows it, so its smaller size moves no offset) as Q4_1:
        // its name, n_dims, the dims, then the type.
        byte[] bytes = Files.readAllBytes(src);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int nDimsAt = indexOf(bytes, last.getBytes(StandardCharsets.US_ASCII)) + last.length();
        b.putInt(nDimsAt + 4 + 8 * b.getInt(nDimsAt), 3);
        Path p = tmp.resolve("q4_1-last.gguf");
        Files.write(p, bytes);
        ModelFormatException e = assertRefused(p, "unsupported tensor type Q4_1 in tensor " + last);
        assertTrue(e instanceof UnsupportedTensorTypeException);
    }

    @Test
    void aRetypedTensorWouldReadItsNeighboursBytes() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf"));
        // blk.0.attn_norm.weight [64] from F32 to F16: half its bytes, so the next tensor no longer follows it.
        String name = "blk.0.attn_norm.weight";
        int typeAt = indexOf(bytes, name.getBytes(StandardCharsets.US_ASCII)) + name.length() + 4 + 8;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 1);
        Path p = tmp.resolve("retyped.gguf");
        Files.write(p, bytes);
        assertRefused(p, "has offset", "expected", "(the end of the tensor before it, aligned to 32)");
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

    /** stories260K-f32.gguf with the integer metadata {@code key} set to {@code value} (written in the key's own width). */
    private Path withInteger(String key, long value) throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf"));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // The key with its u64 length before it, so that head_count does not match head_count_kv.
        byte[] entry = ByteBuffer.allocate(8 + key.length()).order(ByteOrder.LITTLE_ENDIAN).putLong(key.length())
                .put(key.getBytes(StandardCharsets.US_ASCII)).array();
        int typeAt = indexOf(bytes, entry) + entry.length;
        switch (b.getInt(typeAt)) {
            case 4, 5 -> b.putInt(typeAt + 4, (int) value);
            case 10, 11 -> b.putLong(typeAt + 4, value);
            default -> throw new AssertionError(key + " has type " + b.getInt(typeAt));
        }
        Path p = tmp.resolve(key + "-" + value + ".gguf");
        Files.write(p, bytes);
        return p;
    }

    /** stories260K-f32.gguf with element {@code index} of the F32 tensor {@code name} set to {@code value}. */
    private Path withWeight(String name, long index, float value) throws IOException {
        Path src = SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf");
        long at;
        try (var mapped = io.sparkllama.engine.format.MappedFile.open(src)) {
            GgufFile g = GgufFile.read(mapped);
            at = g.dataOffset() + g.tensors().get(name).offset() + 4 * index;
        }
        byte[] bytes = Files.readAllBytes(src);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) at, value);
        Path p = tmp.resolve(name + "-" + index + ".gguf");
        Files.write(p, bytes);
        return p;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Before: NegativeArraySizeException in RopeTable.<init>, OutOfMemoryError in GgufModelReader.weights.
        "llama.context_length | 2147483647 | llama.context_length is 2147483647, must be 1 to 16777216",
        "llama.block_count | 2147483647 | llama.block_count is 2147483647, must be 1 to 16384",
        "llama.block_count | 4 | llama.block_count is 4 but the file holds tensors of 5 blocks",
        "llama.attention.head_count | 1048576 | llama.attention.head_count 1048576 does not divide llama.embedding_length 64",
        "llama.attention.head_count_kv | 16 | llama.attention.head_count_kv 16 must divide llama.attention.head_count 8",
    })
    void headerValuesAreCheckedBeforeAnythingIsSizedFromThem(String key, long value, String expected) throws IOException {
        ModelFormatException e = assertRefused(withInteger(key, value), expected);
        assertTrue(e instanceof GgufFormatException, e.getClass().getName());
    }

    @Test
    void aLongDeclaredContextIsALimitNotAnAllocation() throws IOException {
        Path original = SharedFiles.require("models/stories260K/gguf/stories260K-f32.gguf");
        int[] tokens = {1, 403, 407, 261, 378};
        float[] expected;
        try (Engine e = Engine.open(original, null, 64); var s = e.newSession(1)) {
            expected = s.score(tokens).logprobs();
        }
        try (Engine e = Engine.open(withInteger("llama.context_length", 1 << 20), null, 64); var s = e.newSession(1)) {
            assertEquals(1 << 20, e.config().contextLength());
            assertArrayEquals(expected, s.score(tokens).logprobs());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "output_norm.weight | 0 | NaN | tensor output_norm.weight element 0 is NaN",
        "blk.3.attn_norm.weight | 63 | Infinity | tensor blk.3.attn_norm.weight element 63 is Infinity",
        // token_embd.weight [64 x 512]: its last row starts at element 511 * 64.
        "token_embd.weight | 32704 | -Infinity | tensor token_embd.weight row 511 column 0 is -Infinity",
    })
    void nonFiniteNormsAndCheckedRowsRefuseTheModel(String tensor, long index, float value, String expected) throws IOException {
        ModelFormatException e = assertRefused(withWeight(tensor, index, value), expected, "the weights hold NaN or infinity");
        assertTrue(e instanceof GgufFormatException, e.getClass().getName());
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
