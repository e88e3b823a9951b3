package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * One file of a model as the driver found it.
 *
 * @param source where it is read from: a local path or any Hadoop URI
 * @param name   its file name, kept when an executor copies it into its local dir
 * @param sha256 hex digest computed on the driver; executors check their copy against it
 */
public record ModelFile(String source, String name, long size, String sha256) implements Serializable {
}
