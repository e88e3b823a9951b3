/**
 * tiktoken {@code tokenizer.model} files (Llama 3): base64 ranks, one per line, and Llama 3's 256
 * special tokens.
 */
package io.sparkllama.engine.format.tiktoken;
