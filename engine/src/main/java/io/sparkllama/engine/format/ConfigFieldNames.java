package io.sparkllama.engine.format;

/** What one format calls each hyperparameter, so that a refusal names the field as it is written in the file. */
public record ConfigFieldNames(String dim, String hiddenDim, String layers, String heads, String kvHeads, String vocab,
                               String context, String headSize, String rmsEps, String ropeTheta, String ropeScaling) {
    public static final ConfigFieldNames HF = new ConfigFieldNames("hidden_size", "intermediate_size", "num_hidden_layers",
            "num_attention_heads", "num_key_value_heads", "vocab_size", "max_position_embeddings", "head_dim", "rms_norm_eps",
            "rope_theta", "rope_scaling");
    public static final ConfigFieldNames META = new ConfigFieldNames("dim", "multiple_of/ffn_dim_multiplier", "n_layers",
            "n_heads", "n_kv_heads", "vocab_size", "max_seq_len", "dim/n_heads", "norm_eps", "rope_theta", "use_scaled_rope");
    public static final ConfigFieldNames GGUF = new ConfigFieldNames("llama.embedding_length", "llama.feed_forward_length",
            "llama.block_count", "llama.attention.head_count", "llama.attention.head_count_kv", "token_embd.weight vocabulary",
            "llama.context_length", "llama.rope.dimension_count", "llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base",
            "llama.rope.scaling.*");
    public static final ConfigFieldNames LLAMA2C = new ConfigFieldNames("dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads",
            "vocab_size", "seq_len", "dim/n_heads", "(fixed) rms eps", "(fixed) rope theta", "(none) rope scaling");
}
