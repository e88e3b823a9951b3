/**
 * The engine's entry points: {@link io.sparkllama.engine.Engine} opens a model file of any
 * supported format with its tokenizer and holds the loaded, read-only model; an {@link
 * io.sparkllama.engine.InferenceSession} is one caller's working state over it (KV block pool,
 * worker threads) and runs generation, scoring and loglikelihood requests; {@link
 * io.sparkllama.engine.MemoryUsage} reports what they hold. No Spark here.
 */
package io.sparkllama.engine;
