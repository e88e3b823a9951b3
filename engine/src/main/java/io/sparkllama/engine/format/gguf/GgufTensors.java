package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.error.UnsupportedTensorTypeException;
import io.sparkllama.engine.format.ConfigChecks;
import io.sparkllama.engine.format.NonFiniteWeights;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.stored.F16Matrix;
import java.util.Arrays;

/** Turns a GGUF file's tensors into weight matrices and vectors, checking each one's shape and type. */
final class GgufTensors {
    private final GgufFile gguf;

    GgufTensors(GgufFile gguf) {
        this.gguf = gguf;
    }

    boolean has(String name) {
        return gguf.tensors().containsKey(name);
    }

    GgufTensorInfo info(String name) {
        GgufTensorInfo t = gguf.tensors().get(name);
        if (t == null) {
            throw GgufFormatException.of(gguf.file().path(), "tensor " + name + " is missing");
        }
        return t;
    }

    /** A {@code rows x cols} matrix that passes the {@link NonFiniteWeights} check; GGUF lists it as dims [cols, rows]. */
    WeightMatrix matrix(String name, int rows, int cols) {
        WeightMatrix m = view(name, rows, cols);
        requireFinite(name, NonFiniteWeights.find(m));
        return m;
    }

    private WeightMatrix view(String name, int rows, int cols) {
        GgufTensorInfo t = info(name);
        requireDims(t, cols, rows);
        WeightType type = GgmlType.weightType(t.ggmlType());
        if (type == null) {
            throw new UnsupportedTensorTypeException(gguf.file().path() + ": unsupported tensor type "
                    + GgmlType.name(t.ggmlType()) + " in tensor " + name + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
        }
        return type.matrix(gguf.tensorData(t), rows, cols);
    }

    /** A one-dimensional tensor of {@code n} values, copied to the heap as fp32 (after its dims are checked). */
    float[] vector(String name, int n) {
        WeightMatrix m = view(name, 1, n);
        float[] out = new float[n];
        m.copyRow(0, out, 0);
        requireFinite(name, NonFiniteWeights.find(out));
        return out;
    }

    /** How many blocks {@code blk.0.}, {@code blk.1.}, ... have an attention norm, counted up to one past the bound. */
    int blocksPresent() {
        int b = 0;
        while (b <= ConfigChecks.MAX_LAYERS && has("blk." + b + ".attn_norm.weight")) {
            b++;
        }
        return b;
    }

    private void requireFinite(String name, String where) {
        if (where != null) {
            throw GgufFormatException.of(gguf.file().path(), "tensor " + name + " " + where + ": the weights hold NaN or infinity");
        }
    }

    private void requireDims(GgufTensorInfo t, long... expected) {
        long[] dims = t.dims();
        // Trailing dimensions of 1 may be written or not.
        int n = dims.length;
        while (n > expected.length && dims[n - 1] == 1) {
            n--;
        }
        long[] exp = expected;
        int m = exp.length;
        while (m > n && exp[m - 1] == 1) {
            m--;
        }
        if (!Arrays.equals(Arrays.copyOf(dims, n), Arrays.copyOf(exp, m))) {
            throw GgufFormatException.of(gguf.file().path(), "tensor " + t.name() + " has dims " + Arrays.toString(dims)
                    + ", expected " + Arrays.toString(expected) + " from the metadata");
        }
    }
}
