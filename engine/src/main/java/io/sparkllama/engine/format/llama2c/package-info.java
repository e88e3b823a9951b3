/**
 * llama2.c files: the seven-integer {@code model.bin} header with its fp32 tensors, and {@code
 * tokenizer.bin}.
 */
package io.sparkllama.engine.format.llama2c;
