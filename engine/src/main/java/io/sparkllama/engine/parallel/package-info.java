/**
 * {@link io.sparkllama.engine.parallel.WorkerPool}: a fixed set of threads that split one range
 * of work, many times per token, without allocating per dispatch.
 */
package io.sparkllama.engine.parallel;
