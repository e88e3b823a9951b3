package io.sparkllama.engine.format;

import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.tensor.WeightMatrix;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link TensorSource} over the tensors of one or more files, by name. Every tensor handed out
 * has the shape the configuration expects and passes the {@link NonFiniteWeights} check; a refusal
 * is the format's own exception, naming the tensor file and, for a shape, the configuration file.
 */
public final class TensorTable implements TensorSource {
    private final String origin;
    private final Path config;
    private final Map<String, TensorView> tensors;
    private final Function<String, ? extends ModelFormatException> error;

    /**
     * @param origin the tensor file (or directory of shards) named in error messages
     * @param config the configuration file the expected shapes come from
     * @param error  the format's exception for a message
     */
    public TensorTable(String origin, Path config, Map<String, TensorView> tensors, Function<String, ? extends ModelFormatException> error) {
        this.origin = origin;
        this.config = config;
        this.tensors = tensors;
        this.error = error;
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        TensorView t = tensors.get(name);
        return t == null ? null : t.shape();
    }

    @Override
    public WeightMatrix matrix(String name, int rows, int cols) {
        WeightMatrix m = require(name, new long[] {rows, cols}).matrix();
        requireFinite(name, NonFiniteWeights.find(m));
        return m;
    }

    @Override
    public float[] vector(String name, int n) {
        float[] v = require(name, new long[] {n}).toFloats();
        requireFinite(name, NonFiniteWeights.find(v));
        return v;
    }

    @Override
    public ModelFormatException error(String problem) {
        return error.apply(origin + ": " + problem + " (configuration " + config + ")");
    }

    private void requireFinite(String name, String where) {
        if (where != null) {
            throw error.apply(origin + ": tensor '" + name + "' " + where + ": the weights hold NaN or infinity");
        }
    }

    private TensorView require(String name, long[] shape) {
        TensorView t = tensors.get(name);
        if (t == null) {
            throw error.apply(origin + ": tensor '" + name + "' is missing (is this a complete Llama checkpoint? configuration " + config + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw error.apply(origin + ": tensor '" + name + "' has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape) + " from " + config);
        }
        return t;
    }
}
