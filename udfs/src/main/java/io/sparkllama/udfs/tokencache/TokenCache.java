package io.sparkllama.udfs.tokencache;

import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.util.LongAccumulator;

/**
 * A job's tokenized-input cache, shipped to the tasks: where its files live and the counters the
 * tasks add to. The directory must be a local path that every executor sees (a shared mount, or
 * the one machine of a local run): files are memory-mapped, not read through Hadoop.
 *
 * @param directory     {@code <token_cache>/<key>}: one Arrow IPC file per input partition
 * @param cachedRows    rows whose ids came from a cache file (hits)
 * @param tokenizedRows rows the tokenizer encoded (misses; with the cache on, every tokenizer call is counted here)
 * @param rebuiltFiles  cache files found truncated or corrupt, ignored and written again
 */
public record TokenCache(String directory, LongAccumulator cachedRows, LongAccumulator tokenizedRows, LongAccumulator rebuiltFiles)
        implements Serializable {

    public Path partitionFile(int partition) {
        return Path.of(directory).resolve(TokenFileLayout.fileName(partition));
    }
}
