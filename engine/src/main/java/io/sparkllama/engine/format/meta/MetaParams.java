package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.format.ConfigChecks;
import io.sparkllama.engine.format.ConfigFieldNames;
import io.sparkllama.engine.format.JsonConfigFile;
import io.sparkllama.engine.model.ModelConfig;
import java.nio.file.Path;

/**
 * Meta's {@code params.json}: dim, n_layers, n_heads, n_kv_heads, vocab_size, multiple_of,
 * ffn_dim_multiplier, norm_eps, rope_theta, use_scaled_rope (Llama 3.1) and optionally max_seq_len.
 */
public final class MetaParams {
    /** Llama 3.1's fixed RoPE scaling (Meta's apply_scaling). */
    static final ModelConfig.RopeScaling LLAMA31_SCALING = new ModelConfig.RopeScaling(8f, 1f, 4f, 8192);

    private MetaParams() {
    }

    /**
     * The configuration; {@code vocabFromWeights} stands in when params.json says -1 (older Meta files).
     * Without max_seq_len the context is the family's: 131072 with scaled RoPE (3.1), 8192 with
     * rope_theta 500000 (3), else 4096 (2).
     */
    public static ModelConfig read(JsonConfigFile f, int vocabFromWeights) {
        Path file = f.path();
        int dim = f.positiveInt("dim");
        int heads = f.positiveInt("n_heads");
        int kvHeads = f.positiveInt("n_kv_heads", heads);
        int vocab = f.anyInt("vocab_size", -1);
        if (vocab <= 0) {
            vocab = vocabFromWeights;
        }
        boolean scaled = f.bool("use_scaled_rope", false);
        float theta = (float) f.positiveNumber("rope_theta", 10000);
        int defaultContext = scaled ? 131072 : theta >= 500000 ? 8192 : 4096;
        ModelConfig c = new ModelConfig(dim, hiddenDim(f, dim), f.positiveInt("n_layers"), heads, kvHeads, vocab,
                f.positiveInt("max_seq_len", defaultContext), dim / heads, (float) f.positiveNumber("norm_eps", 1e-5),
                theta, scaled ? LLAMA31_SCALING : ModelConfig.RopeScaling.NONE);
        if (dim % heads != 0) {
            throw f.fail("n_heads", heads + " does not divide dim " + dim);
        }
        return ConfigChecks.checked(file, c, ConfigFieldNames.META, ModelConfigException::new);
    }

    /** Meta's FeedForward: 2/3 of 4*dim, times ffn_dim_multiplier, rounded up to a multiple of multiple_of. */
    static int hiddenDim(JsonConfigFile f, int dim) {
        int multipleOf = f.positiveInt("multiple_of", 256);
        long hidden = 4L * dim;
        hidden = 2 * hidden / 3;
        if (f.has("ffn_dim_multiplier")) {
            hidden = (long) (f.positiveNumber("ffn_dim_multiplier", 1) * hidden);
        }
        hidden = multipleOf * ((hidden + multipleOf - 1) / multipleOf);
        if (hidden <= 0 || hidden > Integer.MAX_VALUE / 2) {
            throw f.fail("ffn_dim_multiplier", "gives an implausible hidden size " + hidden);
        }
        return (int) hidden;
    }
}
