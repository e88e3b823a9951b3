package io.sparkllama.udfs;

import java.io.Serializable;
import org.apache.spark.util.LongAccumulator;

/**
 * Accumulators the tasks add to and the driver reads for the progress line and the summary.
 *
 * @param inputTokens  prompt / text / context tokens fed to the model
 * @param outputTokens generated tokens (generate) or scored tokens (score, loglikelihood)
 */
public record JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens,
                          LongAccumulator errors) implements Serializable {
    public void add(long r, long in, long out, long e) {
        rows.add(r);
        inputTokens.add(in);
        outputTokens.add(out);
        errors.add(e);
    }
}
