package io.sparkllama.udfs.tokencache;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's view of the token cache for its partition, fed the partition's rows in order. On a
 * hit (a committed, valid file) row {@code k}'s ids come from the file's row {@code k} and the
 * tokenizer is never called; on a miss every row is tokenized and appended to a new file that
 * {@link #finish} commits. A corrupt file is counted, logged and rebuilt; a cache that cannot be
 * written is logged and skipped. Neither fails the task.
 */
public final class PartitionTokens implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionTokens.class);

    private final TokenCache cache;
    private final Path file;
    private MappedTokenFile hit;
    private TokenFileWriter miss;
    private long row;
    private boolean staleWarned;

    private PartitionTokens(TokenCache cache, int partition, int vocab) {
        this.cache = cache;
        this.file = cache.partitionFile(partition);
        if (Files.exists(file)) {
            try {
                hit = MappedTokenFile.open(file, vocab);
                return;
            } catch (CorruptTokenFileException e) {
                cache.rebuiltFiles().add(1);
                LOG.warn("spark-llama: {}; deleting it, tokenizing partition {} again and rewriting it", e.getMessage(), partition);
                deleteQuietly(file);
            }
        }
        miss = startWriter();
    }

    /** @param vocab the model's vocabulary size: a cached id at or above it makes the file corrupt */
    public static PartitionTokens open(TokenCache cache, int partition, int vocab) {
        return new PartitionTokens(cache, partition, vocab);
    }

    // Should the rewrite fail too, the bad file is gone and the next run tokenizes again.
    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.warn("spark-llama: cannot delete {} ({})", file, e.getMessage());
        }
    }

    /** The ids of the next row, whose text is non-empty: from the file on a hit, else from {@code tokenizer}. */
    public int[] next(String id, String text, Function<String, int[]> tokenizer) {
        long k = row++;
        if (hit != null) {
            int[] cached = cachedTokens(k, id);
            if (cached != null) {
                cache.cachedRows().add(1);
                return cached;
            }
            if (hit != null) {
                warnStale(k, id);
            }
        }
        int[] tokens = tokenizer.apply(text);
        cache.tokenizedRows().add(1);
        append(id, tokens);
        return tokens;
    }

    /** Keeps the place of a row with nothing to tokenize (null or empty text). */
    public void skip(String id) {
        row++;
        append(id, null);
    }

    /** The partition is done: a miss's file is committed (the tokens become a hit next time). */
    public void finish() {
        if (miss != null) {
            try {
                miss.commit();
            } catch (UncheckedIOException e) {
                LOG.warn("spark-llama: token cache not written: {}", e.getMessage());
            }
            miss = null;
        }
        close();
    }

    /** Releases the mapping; an uncommitted file (the task failed or stopped early) is dropped. */
    @Override
    public void close() {
        if (hit != null) {
            hit.close();
            hit = null;
        }
        if (miss != null) {
            miss.abort();
            miss = null;
        }
    }

    private int[] cachedTokens(long k, String id) {
        try {
            return k < hit.rows() && hit.id(k).equals(id) ? hit.tokens(k) : null;
        } catch (RuntimeException e) {
            // Checked at open, so this is a file damaged under us: finish the partition with the
            // tokenizer and drop the file so the next run writes it again.
            LOG.warn("spark-llama: token cache file {} failed at row {} ({}); tokenizing the rest and deleting it", file, k, e.toString());
            cache.rebuiltFiles().add(1);
            hit.close();
            hit = null;
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException ignored) {
                // the next run's open check refuses it anyway
            }
            return null;
        }
    }

    private TokenFileWriter startWriter() {
        try {
            return new TokenFileWriter(file);
        } catch (UncheckedIOException e) {
            LOG.warn("spark-llama: {}; this partition runs uncached", e.getMessage());
            return null;
        }
    }

    private void append(String id, int[] tokens) {
        if (miss == null) {
            return;
        }
        try {
            miss.add(id, tokens);
        } catch (UncheckedIOException e) {
            LOG.warn("spark-llama: {}; this partition runs uncached", e.getMessage());
            miss.abort();
            miss = null;
        }
    }

    // The key covers the input and the partition layout, so this means a row order the key did
    // not foresee (a nondeterministic input); those rows are tokenized, the file is left as is.
    private void warnStale(long k, String id) {
        if (!staleWarned) {
            staleWarned = true;
            LOG.warn("spark-llama: token cache file {} does not match row {} (id {}); tokenizing the rows that differ", file, k, id);
        }
    }
}
