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
 * stories260K's Meta checkpoint split into two model-parallel shards as Meta's fairscale layers
 * split them (wq/wk/wv/w1/w3/output along dim 0, wo/w2/tok_embeddings along dim 1, norms
 * replicated) scores exactly like the single file.
 */
class ShardedCheckpointTest {
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
        try (Engine e = Engine.open(dir, tok, 0); InferenceSession s = e.newSession(1)) {
            float[] two = s.score(tokens).logprobs();
            for (int i = 0; i < one.length; i++) {
                assertEquals(one[i], two[i], 1e-5, "logprob at " + i);
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
