/**
 * Tokenizers: SentencePiece-style BPE with byte fallback (Llama 1 and 2) and byte-level BPE with
 * the Llama 3 split pattern and special tokens, encoding and decoding to the reference ids
 * exactly.
 */
package io.sparkllama.engine.tokenizer;
