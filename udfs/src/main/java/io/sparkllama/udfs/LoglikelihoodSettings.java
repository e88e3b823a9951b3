package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * Settings of the loglikelihood job.
 *
 * @param threads   engine threads per Spark task; 0 for the task's cores ({@link TaskThreads})
 * @param batchSize rows pulled from the partition and handed to the engine together
 * @param packing   step tokens and prefix sharing
 */
public record LoglikelihoodSettings(int threads, int batchSize, PackingSettings packing) implements Serializable {
}
