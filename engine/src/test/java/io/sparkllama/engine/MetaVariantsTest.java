package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.format.meta.TorchCheckpoint;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Meta checkpoints written here from stories260K's: two model-parallel shards split as Meta's
 * fairscale layers split them (wq/wk/wv/w1/w3/output along dim 0, wo/w2/tok_embeddings along
 * dim 1, norms replicated) score like the single file; HalfStorage matrices like the F16 GGUF.
 */
class MetaVariantsTest {
    @TempDir
    Path tmp;

    @Test
    void twoShardsMatchOne() throws IOException {
        Path src = SharedFiles.require("models/stories260K/meta");
        Path tok = SharedFiles.require("models/stories260K/tok512.bin");
        Path dir = Files.createDirectory(tmp.resolve("meta-2"));
        Map<String, TorchZipWriter.Tensor> shard0 = new LinkedHashMap<>();
        Map<String, TorchZipWriter.Tensor> shard1 = new LinkedHashMap<>();
        try (MappedFile f = MappedFile.open(src.resolve("consolidated.00.pth"))) {
            for (TensorView t : TorchCheckpoint.read(f).tensors().values()) {
                String n = t.name();
                int dim = n.startsWith("rope") || t.shape().length == 1 ? -1
                        : n.contains(".wo.") || n.contains(".w2.") || n.startsWith("tok_embeddings") ? 1 : 0;
                shard0.put(n, half(t, dim, 0));
                shard1.put(n, half(t, dim, 1));
            }
        }
        TorchZipWriter.write(dir.resolve("consolidated.00.pth"), shard0);
        TorchZipWriter.write(dir.resolve("consolidated.01.pth"), shard1);
        Files.copy(src.resolve("params.json"), dir.resolve("params.json"));

        int[] tokens = {1, 403, 407, 261, 378, 430, 271, 500, 280, 301, 2, 1, 67, 89, 420, 344};
        float[] one;
        try (Engine e = Engine.open(src, tok, 0); InferenceSession s = e.newSession(1)) {
            one = s.score(tokens).logprobs();
        }
        assertEquals(tokens.length - 1, one.length, "a logprob per scored position");
        // The directory, or any one shard's file, opens all shards.
        for (Path model : new Path[] {dir, dir.resolve("consolidated.01.pth")}) {
            try (Engine e = Engine.open(model, tok, 0); InferenceSession s = e.newSession(1)) {
                float[] two = s.score(tokens).logprobs();
                assertEquals(one.length, two.length, model.getFileName() + ": positions scored");
                for (int i = 0; i < one.length; i++) {
                    assertEquals(one[i], two[i], 1e-5, model.getFileName() + ": logprob at " + i);
                }
            }
        }
    }

    /** stories260K's Meta checkpoint with every matrix as torch.HalfStorage scores like the same F16 weights in GGUF. */
    @Test
    void halfStorageMatchesF16Gguf() throws IOException {
        Path src = SharedFiles.require("models/stories260K/meta");
        Path tok = SharedFiles.require("models/stories260K/tok512.bin");
        Path dir = Files.createDirectory(tmp.resolve("meta-f16"));
        Map<String, TorchZipWriter.Tensor> tensors = new LinkedHashMap<>();
        try (MappedFile f = MappedFile.open(src.resolve("consolidated.00.pth"))) {
            for (TensorView t : TorchCheckpoint.read(f).tensors().values()) {
                byte[] all = t.data().toArray(ValueLayout.JAVA_BYTE);
                if (t.shape().length != 2) {
                    tensors.put(t.name(), new TorchZipWriter.Tensor(t.shape(), all));
                    continue;
                }
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(all.length / 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) {
                    out.putShort(Float.floatToFloat16(in.getFloat()));
                }
                tensors.put(t.name(), new TorchZipWriter.Tensor("HalfStorage", t.shape(), out.array()));
            }
        }
        TorchZipWriter.write(dir.resolve("consolidated.00.pth"), tensors);
        Files.copy(src.resolve("params.json"), dir.resolve("params.json"));
        int[] tokens = {1, 403, 407, 261, 378, 430, 271, 500, 280, 301, 2, 1, 67, 89, 420, 344};
        float[] gguf;
        try (Engine e = Engine.open(SharedFiles.require("models/stories260K/gguf/stories260K-f16.gguf"), tok, 0);
             InferenceSession s = e.newSession(1)) {
            gguf = s.score(tokens).logprobs();
        }
        assertEquals(tokens.length - 1, gguf.length, "a logprob per scored position");
        try (Engine e = Engine.open(dir, tok, 0); InferenceSession s = e.newSession(1)) {
            float[] half = s.score(tokens).logprobs();
            assertEquals(gguf.length, half.length, "positions scored");
            for (int i = 0; i < half.length; i++) {
                assertEquals(gguf[i], half[i], 1e-4, "logprob at " + i);
            }
        }
    }

    /** Half {@code part} of a 2-D F32 tensor along {@code dim}; the whole tensor when dim is -1. */
    private static TorchZipWriter.Tensor half(TensorView t, int dim, int part) {
        byte[] all = t.data().toArray(ValueLayout.JAVA_BYTE);
        if (dim < 0) {
            return new TorchZipWriter.Tensor(t.shape(), all);
        }
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        if (dim == 0) {
            int bytes = rows / 2 * cols * 4;
            byte[] out = java.util.Arrays.copyOfRange(all, part * bytes, (part + 1) * bytes);
            return new TorchZipWriter.Tensor(new long[] {rows / 2, cols}, out);
        }
        int half = cols / 2;
        byte[] out = new byte[rows * half * 4];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(all, (r * cols + part * half) * 4, out, r * half * 4, half * 4);
        }
        return new TorchZipWriter.Tensor(new long[] {rows, half}, out);
    }
}
