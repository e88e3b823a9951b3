/**
 * Engine settings (API) that callers pass to {@code Engine.open} and {@code newSession} and that
 * jobs record: {@link io.sparkllama.engine.settings.ActivationPrecision} ({@code activations}),
 * {@link io.sparkllama.engine.settings.KvCacheType} ({@code kv_cache_type}) and {@link
 * io.sparkllama.engine.settings.KvCacheMemory} ({@code kv_cache_memory}: parsing and the default).
 * A leaf: these types refer to no other engine package, so the kernels and the model use them
 * without a cycle.
 */
package io.sparkllama.engine.settings;
