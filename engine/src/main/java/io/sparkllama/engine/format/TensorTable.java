package io.sparkllama.engine.format;

import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.tensor.WeightMatrix;
import java.util.Arrays;
import java.util.Map;

/** A {@link TensorSource} over the tensors of one or more files, by name. */
public final class TensorTable implements TensorSource {
    private final String origin;
    private final Map<String, TensorView> tensors;

    /** @param origin the file or directory named in error messages */
    public TensorTable(String origin, Map<String, TensorView> tensors) {
        this.origin = origin;
        this.tensors = tensors;
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
        return require(name, new long[] {rows, cols}).matrix();
    }

    @Override
    public float[] vector(String name, int n) {
        return require(name, new long[] {n}).toFloats();
    }

    private TensorView require(String name, long[] shape) {
        TensorView t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(origin + ": tensor '" + name + "' is missing (is this a complete Llama checkpoint?)");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(origin + ": tensor '" + name + "' has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape) + " from the model's configuration");
        }
        return t;
    }
}
