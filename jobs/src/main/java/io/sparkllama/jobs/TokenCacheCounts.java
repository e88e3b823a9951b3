package io.sparkllama.jobs;

/**
 * What the token cache did in a run, for the summary line, the metadata and tests.
 *
 * @param directory     the cache's directory for this run's key
 * @param cachedRows    rows whose ids were read from the cache (hits)
 * @param tokenizedRows rows the tokenizer encoded (misses)
 * @param rebuiltFiles  corrupt or truncated cache files that were ignored and written again
 */
public record TokenCacheCounts(String directory, long cachedRows, long tokenizedRows, long rebuiltFiles) {
}
