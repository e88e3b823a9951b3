/**
 * Matrices that present other matrices' rows without copying: reordered rows (Hugging Face's q/k
 * layout back to Meta's) and model-parallel shards concatenated by rows or columns.
 */
package io.sparkllama.engine.tensor.view;
