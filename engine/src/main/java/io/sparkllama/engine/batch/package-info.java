/**
 * Continuous batching for generation: {@link io.sparkllama.engine.batch.BatchGenerator} advances
 * every running sequence by one token per forward step and fills the rest of the step with prompt
 * chunks of sequences that join, preempting and resuming when the KV block pool runs out, so
 * results do not depend on the batch.
 */
package io.sparkllama.engine.batch;
