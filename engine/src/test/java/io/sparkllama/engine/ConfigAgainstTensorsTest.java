package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.error.CheckpointFormatException;
import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.error.SafetensorsFormatException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.engine.error.ZipFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * config.json and params.json values are checked for range before anything is sized from them and
 * against the tensors actually present; non-finite norms and corrupt zip entries refuse the model.
 * Each refusal is the format's exception with a message naming the file and the field or tensor.
 */
class ConfigAgainstTensorsTest {
    @TempDir
    Path tmp;

    private static Path tok512() {
        return SharedFiles.require("models/stories260K/tok512.bin");
    }

    /** A copy of the shared model directory {@code src} whose {@code file} is replaced by {@code bytes}. */
    private Path variant(String src, String file, byte[] bytes) throws IOException {
        Path from = SharedFiles.require(src);
        Path dir = Files.createDirectories(tmp.resolve("v" + System.nanoTime()));
        try (var files = Files.list(from)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("checklist.chk")) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
        }
        Files.write(dir.resolve(file), bytes);
        return dir;
    }

    private Path withJson(String src, String file, String from, String to) throws IOException {
        String json = Files.readString(SharedFiles.require(src + "/" + file));
        assertEquals(true, json.contains(from), from);
        return variant(src, file, json.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static <T extends SparkLlamaException> void assertRefused(Class<T> type, Path dir, String... fragments) {
        T e = assertThrows(type, () -> Engine.open(dir, tok512(), 64).close());
        for (String f : fragments) {
            assertEquals(true, e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Before: OutOfMemoryError in LlamaWeightAssembler.assemble.
        "\"num_hidden_layers\": 5 | \"num_hidden_layers\": 2147483647 | config.json: num_hidden_layers is 2147483647, must be 1 to 16384",
        "\"max_position_embeddings\": 512 | \"max_position_embeddings\": 2147483647 | config.json: max_position_embeddings is 2147483647, must be 1 to 16777216",
        "\"head_dim\": 8 | \"head_dim\": 1048576 | config.json: num_attention_heads 8 x head size 1048576 is over 1048576",
        "\"rms_norm_eps\": 1e-05 | \"rms_norm_eps\": 1e999 | config.json: field rms_norm_eps is",
    })
    void configValuesOutOfRange(String from, String to, String expected) throws IOException {
        assertRefused(ModelConfigException.class, withJson("models/stories260K/hf", "config.json", from, to), expected);
    }

    @Test
    void configLayersAgainstTheTensors() throws IOException {
        assertRefused(SafetensorsFormatException.class,
                withJson("models/stories260K/hf", "config.json", "\"num_hidden_layers\": 5", "\"num_hidden_layers\": 4"),
                "model.safetensors: the configuration declares 4 layers but the tensors hold 5", "config.json");
    }

    @Test
    void paramsLayersAgainstTheTensors() throws IOException {
        assertRefused(CheckpointFormatException.class,
                withJson("models/stories260K/meta", "params.json", "\"n_layers\": 5", "\"n_layers\": 6"),
                "consolidated.00.pth: the configuration declares 6 layers but the tensors hold 5", "params.json");
        assertRefused(ModelConfigException.class,
                withJson("models/stories260K/meta", "params.json", "\"max_seq_len\": 512", "\"max_seq_len\": 2147483647"),
                "params.json: max_seq_len is 2147483647, must be 1 to 16777216");
    }

    @Test
    void nanInASafetensorsNormRefusesTheModel() throws IOException {
        byte[] st = Files.readAllBytes(SharedFiles.require("models/stories260K/hf/model.safetensors"));
        String header = new String(st, 8, (int) ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
                java.nio.charset.StandardCharsets.UTF_8);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(header).get("model.norm.weight");
        int at = 8 + header.length() + node.get("data_offsets").get(0).asInt() + 4 * 5;
        ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, Float.NaN);
        assertRefused(SafetensorsFormatException.class, variant("models/stories260K/hf", "model.safetensors", st),
                "model.safetensors: tensor 'model.norm.weight' element 5 is NaN: the weights hold NaN or infinity");
    }

    @Test
    void aFlippedByteInACheckpointStorageFailsItsCrc() throws IOException {
        byte[] pth = Files.readAllBytes(SharedFiles.require("models/stories260K/meta/consolidated.00.pth"));
        // Somewhere inside the tensor storages (the pickle is the first few KB, the directory the tail).
        pth[pth.length / 2] ^= 0x10;
        assertRefused(ZipFormatException.class, variant("models/stories260K/meta", "consolidated.00.pth", pth),
                "consolidated.00.pth: entry 'consolidated/data/", "has CRC-32", "the file is corrupt");
    }
}
