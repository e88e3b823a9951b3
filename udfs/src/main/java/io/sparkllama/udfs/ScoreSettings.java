package io.sparkllama.udfs;

import java.io.Serializable;

/**
 * Settings of the score job.
 *
 * @param threads   engine threads per Spark task; 0 for the task's cores ({@link TaskThreads})
 * @param stride    rolling-window stride for texts over the context; 0 for half the context
 * @param batchSize rows pulled from the partition and handed to the engine together
 * @param packing   step tokens and prefix sharing
 * @param topLogprobs alternatives per scored position (0 for none; prefix sharing is then off)
 */
public record ScoreSettings(int threads, int stride, int batchSize, PackingSettings packing, int topLogprobs) implements Serializable {
    /** Packed at the defaults. */
    public ScoreSettings(int threads, int stride, int batchSize) {
        this(threads, stride, batchSize, PackingSettings.DEFAULT);
    }

    public ScoreSettings(int threads, int stride, int batchSize, PackingSettings packing) {
        this(threads, stride, batchSize, packing, 0);
    }
}
