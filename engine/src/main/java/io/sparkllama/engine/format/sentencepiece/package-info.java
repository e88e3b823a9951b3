/**
 * SentencePiece {@code tokenizer.model} files (Llama 1 and 2): the protobuf read field by field
 * into the pieces, scores and types the tokenizer needs.
 */
package io.sparkllama.engine.format.sentencepiece;
