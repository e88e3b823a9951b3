package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.format.ConfigChecks;
import io.sparkllama.engine.format.ConfigFieldNames;
import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.tensor.WeightMatrix;
import java.nio.file.Path;

/**
 * Builds a Llama model from a GGUF file: hyperparameters from the {@code llama.*} keys, weights
 * from llama.cpp's tensor names. GGUF q/k rows are already in the interleaved-pair RoPE layout our
 * transformer uses, so nothing is permuted; a missing {@code output.weight} ties the classifier to
 * the token embedding. Every hyperparameter passes {@link ConfigChecks} and the block count must
 * match the blocks whose tensors the file holds before anything is sized from them.
 */
public final class GgufModelReader {
    private GgufModelReader() {
    }

    /** The configuration and the weights, as views of the GGUF mapping. */
    public record Result(ModelConfig config, LlamaWeights weights) {
    }

    public static Result read(GgufFile gguf) {
        Path path = gguf.file().path();
        GgufMetadata md = gguf.metadata();
        String arch = md.string("general.architecture", "llama");
        if (!arch.equals("llama")) {
            throw GgufFormatException.of(path, "general.architecture is '" + arch + "'; only 'llama' models are supported");
        }
        int dim = positive(path, md, "llama.embedding_length");
        int hidden = positive(path, md, "llama.feed_forward_length");
        int layers = positive(path, md, "llama.block_count");
        int heads = positive(path, md, "llama.attention.head_count");
        int kvHeads = md.has("llama.attention.head_count_kv") ? positive(path, md, "llama.attention.head_count_kv") : heads;
        int context = positive(path, md, "llama.context_length");
        if (dim % heads != 0) {
            throw GgufFormatException.of(path, "llama.attention.head_count " + heads + " does not divide llama.embedding_length " + dim);
        }
        int headSize = dim / heads;
        int ropeDims = md.integer("llama.rope.dimension_count", headSize);
        if (ropeDims != headSize) {
            throw GgufFormatException.of(path, "llama.rope.dimension_count " + ropeDims + " must equal the head size " + headSize);
        }
        float eps = md.number("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        float theta = md.number("llama.rope.freq_base", 10000f);

        GgufTensors t = new GgufTensors(gguf);
        long[] embDims = t.info("token_embd.weight").dims();
        if (embDims.length != 2 || embDims[1] > Integer.MAX_VALUE) {
            throw GgufFormatException.of(path, "tensor token_embd.weight must be 2-dimensional [embedding_length, vocab]");
        }
        int vocab = (int) embDims[1];
        ModelConfig partial = ConfigChecks.checked(path, new ModelConfig(dim, hidden, layers, heads, kvHeads, vocab, context, headSize,
                eps, theta, ModelConfig.RopeScaling.NONE), ConfigFieldNames.GGUF, GgufFormatException::new);
        int blocks = t.blocksPresent();
        if (blocks != layers) {
            throw GgufFormatException.of(path, "llama.block_count is " + layers + " but the file holds tensors of " + blocks + " blocks");
        }
        ModelConfig config = ConfigChecks.checked(path, new ModelConfig(dim, hidden, layers, heads, kvHeads, vocab, context, headSize,
                eps, theta, RopeScalingReader.read(gguf, t, partial)), ConfigFieldNames.GGUF, GgufFormatException::new);
        return new Result(config, weights(t, config));
    }

    private static LlamaWeights weights(GgufTensors t, ModelConfig c) {
        int layers = c.nLayers();
        int dim = c.dim();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        WeightMatrix embedding = t.matrix("token_embd.weight", c.vocabSize(), dim);
        float[][] attNorm = new float[layers][];
        float[][] ffnNorm = new float[layers][];
        WeightMatrix[] wq = new WeightMatrix[layers];
        WeightMatrix[] wk = new WeightMatrix[layers];
        WeightMatrix[] wv = new WeightMatrix[layers];
        WeightMatrix[] wo = new WeightMatrix[layers];
        WeightMatrix[] w1 = new WeightMatrix[layers];
        WeightMatrix[] w2 = new WeightMatrix[layers];
        WeightMatrix[] w3 = new WeightMatrix[layers];
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            attNorm[l] = t.vector(p + "attn_norm.weight", dim);
            wq[l] = t.matrix(p + "attn_q.weight", dim, dim);
            wk[l] = t.matrix(p + "attn_k.weight", kvDim, dim);
            wv[l] = t.matrix(p + "attn_v.weight", kvDim, dim);
            wo[l] = t.matrix(p + "attn_output.weight", dim, dim);
            ffnNorm[l] = t.vector(p + "ffn_norm.weight", dim);
            w1[l] = t.matrix(p + "ffn_gate.weight", hidden, dim);
            w2[l] = t.matrix(p + "ffn_down.weight", dim, hidden);
            w3[l] = t.matrix(p + "ffn_up.weight", hidden, dim);
        }
        float[] finalNorm = t.vector("output_norm.weight", dim);
        WeightMatrix classifier = t.has("output.weight") ? t.matrix("output.weight", c.vocabSize(), dim) : embedding;
        return new LlamaWeights(embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm, classifier);
    }

    private static int positive(Path path, GgufMetadata md, String key) {
        int v = md.integer(key);
        if (v <= 0) {
            throw GgufFormatException.of(path, "metadata " + key + " is " + v + ", must be positive");
        }
        return v;
    }
}
