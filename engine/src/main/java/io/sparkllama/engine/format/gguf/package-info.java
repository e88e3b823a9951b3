/**
 * GGUF v2/v3 files: header, metadata and tensor directory parsed against the file's length,
 * {@code llama.*} hyperparameters, and the tokenizer stored in the metadata.
 */
package io.sparkllama.engine.format.gguf;
