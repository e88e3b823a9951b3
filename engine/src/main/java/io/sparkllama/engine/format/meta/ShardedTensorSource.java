package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.CheckpointFormatException;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.format.NonFiniteWeights;
import io.sparkllama.engine.format.TensorSource;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.view.ColumnConcatMatrix;
import io.sparkllama.engine.tensor.view.RowConcatMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Tensors of a model-parallel Meta checkpoint ({@code consolidated.00.pth}, {@code .01}, ...), joined
 * by views, never copied. Meta's fairscale layers split wq, wk, wv, w1, w3 and output
 * (ColumnParallelLinear) along dim 0, wo and w2 (RowParallelLinear) along dim 1,
 * tok_embeddings along dim 1 (Llama 2's ParallelEmbedding) or dim 0 (Llama 3's
 * VocabParallelEmbedding); norms are replicated. The split dim is recognized from the shard shapes.
 */
final class ShardedTensorSource implements TensorSource {
    private final String origin;
    private final String config;
    private final List<Map<String, TensorView>> shards;

    /** @param config the params.json (or model_args) the expected shapes come from, named in errors */
    ShardedTensorSource(String origin, String config, List<Map<String, TensorView>> shards) {
        this.origin = origin;
        this.config = config;
        this.shards = shards;
    }

    @Override
    public boolean has(String name) {
        return shards.getFirst().containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        TensorView t = shards.getFirst().get(name);
        return t == null ? null : t.shape();
    }

    @Override
    public WeightMatrix matrix(String name, int rows, int cols) {
        WeightMatrix m = joined(name, rows, cols);
        requireFinite(name, NonFiniteWeights.find(m));
        return m;
    }

    @Override
    public ModelFormatException error(String problem) {
        return new CheckpointFormatException(origin + ": " + problem + " (configuration " + config + ")");
    }

    private void requireFinite(String name, String where) {
        if (where != null) {
            throw new CheckpointFormatException(origin + ": tensor '" + name + "' " + where + ": the weights hold NaN or infinity");
        }
    }

    private WeightMatrix joined(String name, int rows, int cols) {
        TensorView[] parts = parts(name);
        int n = parts.length;
        long[] s = parts[0].shape();
        WeightMatrix[] m = new WeightMatrix[n];
        if (s.length == 2 && s[0] * n == rows && s[1] == cols) {
            for (int i = 0; i < n; i++) {
                m[i] = parts[i].matrix();
            }
            return n == 1 ? m[0] : new RowConcatMatrix(m);
        }
        if (s.length == 2 && s[0] == rows && s[1] * n == cols) {
            for (int i = 0; i < n; i++) {
                m[i] = parts[i].matrix();
            }
            return new ColumnConcatMatrix(m);
        }
        throw shapeError(name, parts[0], rows + " x " + cols);
    }

    @Override
    public float[] vector(String name, int n) {
        TensorView t = parts(name)[0];
        if (t.shape().length != 1 || t.shape()[0] != n) {
            throw shapeError(name, t, "[" + n + "]");
        }
        float[] v = t.toFloats();
        requireFinite(name, NonFiniteWeights.find(v));
        return v;
    }

    /** The tensor in every shard, all of one shape and type. */
    private TensorView[] parts(String name) {
        TensorView[] parts = new TensorView[shards.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = shards.get(i).get(name);
            if (parts[i] == null) {
                throw new CheckpointFormatException(origin + ": tensor '" + name + "' is missing"
                        + (parts.length > 1 ? " from shard " + i : "") + " (is this a complete Llama checkpoint? configuration " + config + ")");
            }
            if (!Arrays.equals(parts[i].shape(), parts[0].shape()) || parts[i].type() != parts[0].type()) {
                throw new CheckpointFormatException(origin + ": tensor '" + name + "' is " + parts[i].type() + " " + parts[i].shapeString()
                        + " in shard " + i + " but " + parts[0].type() + " " + parts[0].shapeString() + " in shard 0");
            }
        }
        return parts;
    }

    private CheckpointFormatException shapeError(String name, TensorView t, String expected) {
        return new CheckpointFormatException(origin + ": tensor '" + name + "' has shape " + t.shapeString()
                + (shards.size() > 1 ? " in each of " + shards.size() + " shards" : "") + ", expected " + expected
                + " from " + config);
    }
}
