/**
 * Hugging Face models: {@code config.json} with {@code model.safetensors} (or a sharded index),
 * and {@code tokenizer.json}; q and k are un-permuted by a row view, not copied.
 */
package io.sparkllama.engine.format.hf;
