package io.sparkllama.jobs;

/**
 * What a job run produced, for the summary line, the recorded metadata and tests.
 *
 * @param inputTokens  tokens fed to the model (prompts, texts, contexts)
 * @param outputTokens tokens generated (generate) or scored (score, loglikelihood)
 * @param tokenCache   what the token cache did, or null when it was off
 */
public record JobSummary(String job, String output, long rows, long errors, long inputTokens, long outputTokens, double seconds,
                         TokenCacheCounts tokenCache) {
    public JobSummary(String job, String output, long rows, long errors, long inputTokens, long outputTokens, double seconds) {
        this(job, output, rows, errors, inputTokens, outputTokens, seconds, null);
    }

    public double outputTokensPerSecond() {
        return outputTokens / Math.max(seconds, 1e-9);
    }

    public double inputTokensPerSecond() {
        return inputTokens / Math.max(seconds, 1e-9);
    }
}
