/**
 * The {@code spark-submit} entry point {@link io.sparkllama.jobs.SparkLlama} and its jobs
 * (generate, score, loglikelihood, perplexity, eval): arguments and YAML configs, the steps every
 * inference job shares ({@link io.sparkllama.jobs.InferenceRun}: check, lock, resolve the model,
 * read, broadcast, {@code mapPartitions}, write), progress, the run record and the summary.
 */
package io.sparkllama.jobs;
