/**
 * Meta checkpoints: {@code params.json} with one or more {@code consolidated.NN.pth} shards (a
 * zip of a pickle, read by a restricted unpickler that never runs code and bounds what it
 * builds), checked against {@code checklist.chk}; also llama2.c training {@code ckpt.pt} files.
 */
package io.sparkllama.engine.format.meta;
