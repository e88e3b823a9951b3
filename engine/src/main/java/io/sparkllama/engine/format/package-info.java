/**
 * Reading model files: {@link io.sparkllama.engine.format.ModelLoader} detects the format and
 * hands the memory-mapped tensors ({@link io.sparkllama.engine.format.MappedFile}, {@link
 * io.sparkllama.engine.format.TensorTable}) to {@link
 * io.sparkllama.engine.format.LlamaWeightAssembler}; checks shared by every format
 * (hyperparameter bounds, tensors against the configuration, non-finite weights) live here, each
 * format's parser in a subpackage.
 */
package io.sparkllama.engine.format;
