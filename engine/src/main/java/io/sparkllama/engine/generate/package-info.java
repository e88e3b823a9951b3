/**
 * Generation requests and results (API): {@link io.sparkllama.engine.generate.GenerationRequest}
 * with its {@link io.sparkllama.engine.generate.SamplingParams} (and {@link
 * io.sparkllama.engine.generate.LogitBias}), a chat as {@link io.sparkllama.engine.generate.ChatMessage}s
 * and its rendered {@link io.sparkllama.engine.generate.ChatPrompt}, {@link
 * io.sparkllama.engine.generate.GenerationResult} with its {@link
 * io.sparkllama.engine.generate.FinishReason}, {@link io.sparkllama.engine.generate.GenerationLoop}
 * (a session's continuous-batching loop for callers that stream requests), and {@link
 * io.sparkllama.engine.generate.RequestLimits}, which checks a request against the model and the
 * KV budget.
 */
package io.sparkllama.engine.generate;
