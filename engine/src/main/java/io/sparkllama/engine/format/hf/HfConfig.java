package io.sparkllama.engine.format.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.format.ConfigChecks;
import io.sparkllama.engine.format.ConfigFieldNames;
import io.sparkllama.engine.format.JsonConfigFile;
import io.sparkllama.engine.model.ModelConfig;
import java.nio.file.Path;

/**
 * A Hugging Face {@code config.json} of a {@code LlamaForCausalLM}.
 *
 * @param tiedEmbeddings {@code tie_word_embeddings}: the classifier is the token embedding
 */
public record HfConfig(ModelConfig model, boolean tiedEmbeddings) {

    public static HfConfig read(Path file) {
        JsonConfigFile f = JsonConfigFile.read(file);
        String type = f.text("model_type", "llama");
        if (!type.equals("llama")) {
            throw f.fail("model_type", "is '" + type + "'; only Llama models (model_type llama) are supported");
        }
        int dim = f.positiveInt("hidden_size");
        int heads = f.positiveInt("num_attention_heads");
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        if (!f.has("head_dim") && dim % heads != 0) {
            throw f.fail("num_attention_heads", heads + " does not divide hidden_size " + dim + " (and there is no head_dim)");
        }
        int headSize = f.positiveInt("head_dim", dim / heads);
        ModelConfig.RopeScaling scaling = ModelConfig.RopeScaling.NONE;
        JsonNode rs = f.root().get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            scaling = ropeScaling(file, rs);
        }
        ModelConfig c = new ModelConfig(dim, f.positiveInt("intermediate_size"), f.positiveInt("num_hidden_layers"), heads,
                kvHeads, f.positiveInt("vocab_size"), f.positiveInt("max_position_embeddings", 2048), headSize,
                (float) f.positiveNumber("rms_norm_eps", 1e-6), (float) f.positiveNumber("rope_theta", 10000), scaling);
        return new HfConfig(ConfigChecks.checked(file, c, ConfigFieldNames.HF, ModelConfigException::new), f.bool("tie_word_embeddings", false));
    }

    private static ModelConfig.RopeScaling ropeScaling(Path file, JsonNode rs) {
        JsonNode kind = rs.has("rope_type") ? rs.get("rope_type") : rs.get("type");
        if (kind == null || !kind.asText().equals("llama3")) {
            throw new ModelConfigException(file + ": field rope_scaling " + rs + " is not supported (only rope_type llama3 is)");
        }
        return new ModelConfig.RopeScaling(
                (float) number(file, rs, "factor"), (float) number(file, rs, "low_freq_factor"),
                (float) number(file, rs, "high_freq_factor"), (int) number(file, rs, "original_max_position_embeddings"));
    }

    private static double number(Path file, JsonNode rs, String field) {
        JsonNode n = rs.get(field);
        if (n == null) {
            throw new ModelConfigException(file + ": field rope_scaling." + field + " is missing");
        }
        return JsonConfigFile.positiveNumber(file, "rope_scaling." + field, n);
    }
}
