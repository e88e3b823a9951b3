package io.sparkllama.engine.format;

/** How a checkpoint format names the tensors of a Llama model. */
public enum TensorNames {
    /** Meta's reference ({@code consolidated.NN.pth}). */
    META("tok_embeddings.weight", "norm.weight", "output.weight", "layers.%d.",
            "attention.wq.weight", "attention.wk.weight", "attention.wv.weight", "attention.wo.weight",
            "feed_forward.w1.weight", "feed_forward.w2.weight", "feed_forward.w3.weight",
            "attention_norm.weight", "ffn_norm.weight"),
    /** Hugging Face transformers' {@code LlamaForCausalLM}. */
    HF("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.%d.",
            "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
            "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight",
            "input_layernorm.weight", "post_attention_layernorm.weight");

    public final String embedding;
    public final String finalNorm;
    public final String output;
    private final String layerPrefix;
    public final String wq;
    public final String wk;
    public final String wv;
    public final String wo;
    public final String w1;
    public final String w2;
    public final String w3;
    public final String attentionNorm;
    public final String ffnNorm;

    TensorNames(String embedding, String finalNorm, String output, String layerPrefix, String wq, String wk, String wv,
                String wo, String w1, String w2, String w3, String attentionNorm, String ffnNorm) {
        this.embedding = embedding;
        this.finalNorm = finalNorm;
        this.output = output;
        this.layerPrefix = layerPrefix;
        this.wq = wq;
        this.wk = wk;
        this.wv = wv;
        this.wo = wo;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
        this.attentionNorm = attentionNorm;
        this.ffnNorm = ffnNorm;
    }

    /** The full name of a per-layer tensor, e.g. {@code layer(3, wq)}. */
    public String layer(int layer, String suffix) {
        return String.format(layerPrefix, layer) + suffix;
    }
}
