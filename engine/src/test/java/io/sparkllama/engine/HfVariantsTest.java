package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.format.safetensors.SafetensorsReader;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face variants made here from stories260K/hf: sharded with model.safetensors.index.json,
 * BF16 (against run.c on bf16 weights) and F16 (against the same weights in stories260K-f16.gguf).
 */
class HfVariantsTest {
    private static final int[] TOKENS = {1, 403, 407, 261, 378, 430, 271, 500, 280, 301, 2, 1, 67, 89, 420, 344};

    @TempDir
    Path tmp;

    private interface Convert {
        SafetensorsWriter.Tensor apply(TensorView t);
    }

    /** stories260K/hf rewritten into {@code dir} by {@code convert}, in {@code shards} files. */
    private Path variant(String name, int shards, Convert convert) throws IOException {
        Path src = SharedFiles.require("models/stories260K/hf");
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        Map<String, TensorView> tensors;
        try (MappedFile f = MappedFile.open(src.resolve("model.safetensors"))) {
            tensors = SafetensorsReader.read(f);
            Map<String, SafetensorsWriter.Tensor>[] parts = newMaps(shards);
            StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
            int i = 0;
            for (TensorView t : tensors.values()) {
                int shard = i++ % shards;
                parts[shard].put(t.name(), convert.apply(t));
                index.append(i > 1 ? ", " : "").append('"').append(t.name()).append("\": \"").append(shardName(shard, shards)).append('"');
            }
            for (int s = 0; s < shards; s++) {
                SafetensorsWriter.write(dir.resolve(shards == 1 ? "model.safetensors" : shardName(s, shards)), parts[s]);
            }
            if (shards > 1) {
                Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
            }
        }
        return dir;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, SafetensorsWriter.Tensor>[] newMaps(int n) {
        Map<String, SafetensorsWriter.Tensor>[] maps = new Map[n];
        for (int i = 0; i < n; i++) {
            maps[i] = new LinkedHashMap<>();
        }
        return maps;
    }

    private static String shardName(int s, int n) {
        return String.format("model-%05d-of-%05d.safetensors", s + 1, n);
    }

    private static SafetensorsWriter.Tensor f32(TensorView t) {
        return new SafetensorsWriter.Tensor("F32", t.shape(), t.data().toArray(ValueLayout.JAVA_BYTE));
    }

    /** fp32 to 16 bits per element by {@code narrow}. */
    private static SafetensorsWriter.Tensor narrowed(TensorView t, String dtype, java.util.function.IntUnaryOperator narrow) {
        ByteBuffer in = ByteBuffer.wrap(t.data().toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(in.capacity() / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            out.putShort((short) narrow.applyAsInt(in.getInt()));
        }
        return new SafetensorsWriter.Tensor(dtype, t.shape(), out.array());
    }

    /** Round to nearest even bfloat16, as torch's .to(torch.bfloat16). */
    private static int bf16(int bits) {
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    private static double maxScoreDelta(Engine engine, JsonNode score) {
        double max = 0;
        try (InferenceSession s = engine.newSession(1)) {
            for (JsonNode t : SharedFiles.items(score, "texts")) {
                float[] lp = s.score(SharedFiles.ints(t.get("tokens"))).logprobs();
                for (int i = 0; i < lp.length; i++) {
                    max = Math.max(max, Math.abs(t.get("positions").get(i).get("logprob").asDouble() - lp[i]));
                }
            }
        }
        return max;
    }

    @Test
    void shardedWithIndex() throws IOException {
        Path dir = variant("sharded", 3, HfVariantsTest::f32);
        try (Engine e = Engine.open(dir, SharedFiles.require("models/stories260K/tok512.bin"), 0)) {
            double d = maxScoreDelta(e, SharedFiles.json("golden/stories260K/score.json"));
            System.out.printf("hf 3 shards vs golden/stories260K: max |dlogprob| %.3g%n", d);
            assertTrue(d <= 1e-4, "max |dlogprob| " + d);
        }
    }

    @Test
    void bf16MatchesRunCOnBf16Weights() throws IOException {
        Path dir = variant("bf16", 1, t -> narrowed(t, "BF16", HfVariantsTest::bf16));
        try (Engine e = Engine.open(dir, SharedFiles.require("models/stories260K/tok512.bin"), 0)) {
            double d = maxScoreDelta(e, SharedFiles.json("golden/stories260K-bf16/score.json"));
            System.out.printf("hf bf16 vs golden/stories260K-bf16: max |dlogprob| %.3g%n", d);
            assertTrue(d <= 1e-4, "max |dlogprob| " + d);
        }
    }

    @Test
    void f16MatchesTheF16Gguf() throws IOException {
        // Matrices in F16, norms kept F32, as llama.cpp's converter does.
        Path dir = variant("f16", 1, t -> t.shape().length == 2
                ? narrowed(t, "F16", bits -> Float.floatToFloat16(Float.intBitsToFloat(bits))) : f32(t));
        Path tok = SharedFiles.require("models/stories260K/tok512.bin");
        float[] gguf;
        try (Engine e = Engine.open(SharedFiles.require("models/stories260K/gguf/stories260K-f16.gguf"), tok, 0);
             InferenceSession s = e.newSession(1)) {
            gguf = s.score(TOKENS).logprobs();
        }
        try (Engine e = Engine.open(dir, tok, 0); InferenceSession s = e.newSession(1)) {
            float[] hf = s.score(TOKENS).logprobs();
            double max = 0;
            for (int i = 0; i < hf.length; i++) {
                max = Math.max(max, Math.abs(hf[i] - gguf[i]));
            }
            System.out.printf("hf f16 vs stories260K-f16.gguf: max |dlogprob| %.3g%n", max);
            assertEquals(0, max, 1e-4);
        }
    }
}
