/**
 * Generation requests and results, and {@link io.sparkllama.engine.generate.Generator}, which
 * serves one request at a time (prompt prefilled in chunks, then decoded token by token); {@link
 * io.sparkllama.engine.generate.RequestLimits} checks a request against the model and the KV
 * budget.
 */
package io.sparkllama.engine.generate;
