package io.sparkllama.engine.format;

import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.tensor.WeightMatrix;

/** Named weights of one checkpoint (one file, shards or a directory), checked against the expected shape (and for non-finite values) on access. */
public interface TensorSource {
    /** Whether a tensor of this name exists. */
    boolean has(String name);

    /** The tensor as a {@code rows x cols} matrix; a format exception when missing or of another shape. */
    WeightMatrix matrix(String name, int rows, int cols);

    /** The 1-D tensor of {@code n} elements as fp32; a format exception when missing or of another shape. */
    float[] vector(String name, int n);

    /** The shape of a tensor, or null when it is missing. */
    long[] shape(String name);

    /** The format's exception for a problem of these tensors against the configuration, naming both files. */
    ModelFormatException error(String problem);
}
