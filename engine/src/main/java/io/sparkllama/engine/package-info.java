/**
 * The engine's API entry points: {@link io.sparkllama.engine.Engine} opens a model file of any
 * supported format with its tokenizer and holds the loaded, read-only model; an {@link
 * io.sparkllama.engine.InferenceSession} is one caller's working state over it (KV block pool,
 * worker threads) and runs generation, scoring and loglikelihood requests; {@link
 * io.sparkllama.engine.RollingScorer}, {@link io.sparkllama.engine.RollingPerplexity} and {@link
 * io.sparkllama.engine.LlamaCppPerplexity} score long texts through a session; {@link
 * io.sparkllama.engine.MemoryUsage} reports what they hold. With {@code generate}, {@code score},
 * {@code settings}, {@code tokenizer} and {@code error} this is the whole API other modules may use
 * ({@code EngineApiBoundaryTest}); this package sits above every other engine package and none
 * refers back to it ({@code PackageCycleTest}). See docs/engine-api.md. No Spark here.
 */
package io.sparkllama.engine;
