/**
 * Reaching the storage a job reads and writes ({@code hdfs://}, {@code s3a://}, local files): the
 * driver's probe of every path before the output is locked, the input scanned or the model hashed,
 * and the one-line errors for a filesystem that does not answer, refuses the job's credentials or
 * denies it access, each naming the URI and the setting to change.
 */
package io.sparkllama.jobs.storage;
