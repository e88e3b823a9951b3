package io.sparkllama.engine.model;

/**
 * Precomputed cos/sin of rotary position embeddings for every (position, pair) of one head,
 * with Llama 3.1 frequency scaling when the model has it. Pairs are adjacent elements
 * (2i, 2i+1), as in Meta's reference and llama2.c.
 */
public final class RopeTable {
    private final int pairs;
    private final float[] cos;
    private final float[] sin;

    public RopeTable(ModelConfig config, int maxPositions) {
        this.pairs = config.headSize() / 2;
        this.cos = new float[maxPositions * pairs];
        this.sin = new float[maxPositions * pairs];
        float[] freqs = frequencies(config);
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int p = 0; p < pairs; p++) {
                float angle = pos * freqs[p];
                cos[pos * pairs + p] = (float) Math.cos(angle);
                sin[pos * pairs + p] = (float) Math.sin(angle);
            }
        }
    }

    static float[] frequencies(ModelConfig config) {
        int headSize = config.headSize();
        float[] freqs = new float[headSize / 2];
        ModelConfig.RopeScaling scaling = config.ropeScaling();
        for (int p = 0; p < freqs.length; p++) {
            float freq = 1.0f / (float) Math.pow(config.ropeTheta(), (2 * p) / (float) headSize);
            if (scaling.enabled()) {
                freq = scaled(freq, scaling);
            }
            freqs[p] = freq;
        }
        return freqs;
    }

    /** Llama 3.1's apply_scaling: low frequencies divided by the factor, a smooth ramp between. */
    private static float scaled(float freq, ModelConfig.RopeScaling s) {
        double lowFreqWavelen = s.originalContextLength() / (double) s.lowFreqFactor();
        double highFreqWavelen = s.originalContextLength() / (double) s.highFreqFactor();
        double wavelen = 2 * Math.PI / freq;
        if (wavelen < highFreqWavelen) {
            return freq;
        }
        if (wavelen > lowFreqWavelen) {
            return freq / s.factor();
        }
        double smooth = (s.originalContextLength() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
        return (float) ((1 - smooth) * freq / s.factor() + smooth * freq);
    }

    /** Rotates every head in {@code v[off .. off + nHeads * headSize)} to position {@code pos}. */
    public void rotate(float[] v, int off, int nHeads, int pos) {
        int base = pos * pairs;
        for (int h = 0; h < nHeads; h++) {
            int headOff = off + h * pairs * 2;
            for (int p = 0; p < pairs; p++) {
                float c = cos[base + p];
                float s = sin[base + p];
                int i = headOff + 2 * p;
                float v0 = v[i];
                float v1 = v[i + 1];
                v[i] = v0 * c - v1 * s;
                v[i + 1] = v0 * s + v1 * c;
            }
        }
    }
}
