/**
 * ML pipeline stages ({@link io.sparkllama.udfs.ml.LlamaGenerator}, {@link
 * io.sparkllama.udfs.ml.LlamaScorer}): the DataFrame API as {@code Transformer}s with {@code
 * Param}s, saved and loaded with a pipeline.
 */
package io.sparkllama.udfs.ml;
