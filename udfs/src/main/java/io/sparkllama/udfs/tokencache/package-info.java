/**
 * The tokenized-input cache: each partition's token ids in an Arrow IPC file under a key of the
 * input, tokenizer and partition layout, written atomically, read back memory-mapped without
 * copying, and rebuilt when corrupt.
 */
package io.sparkllama.udfs.tokencache;
