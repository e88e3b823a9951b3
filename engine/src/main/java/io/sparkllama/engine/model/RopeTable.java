package io.sparkllama.engine.model;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * cos/sin of rotary position embeddings for every (position, pair) of one head, with Llama 3.1
 * frequency scaling when the model has it. Pairs are adjacent elements (2i, 2i+1), as in Meta's
 * reference and llama2.c.
 *
 * <p>Computed in pages of {@value #PAGE} positions as sequences first reach them, never for the
 * whole context up front: a model may declare 131072 positions (or a corrupt header 2^31) while a
 * request uses a few hundred. Shared by all threads of an engine.
 */
public final class RopeTable {
    static final int PAGE = 256;

    private final int pairs;
    private final int maxPositions;
    private final float[] freqs;
    /** Page {@code i} holds cos then sin of positions {@code [i * PAGE, (i + 1) * PAGE)}; null until first needed. */
    private volatile AtomicReferenceArray<float[]> pages = new AtomicReferenceArray<>(1);

    public RopeTable(ModelConfig config, int maxPositions) {
        this.pairs = config.headSize() / 2;
        this.maxPositions = maxPositions;
        this.freqs = frequencies(config);
    }

    /** The page holding {@code pos}, computed on first use. */
    private float[] page(int pos) {
        if (pos < 0 || pos >= maxPositions) {
            throw new IllegalArgumentException("position " + pos + " is outside the context of " + maxPositions);
        }
        int index = pos / PAGE;
        AtomicReferenceArray<float[]> dir = pages;
        float[] page = index < dir.length() ? dir.get(index) : null;
        return page != null ? page : computePage(index);
    }

    private synchronized float[] computePage(int index) {
        AtomicReferenceArray<float[]> dir = pages;
        if (index >= dir.length()) {
            int maxPages = (int) (((long) maxPositions + PAGE - 1) / PAGE);
            AtomicReferenceArray<float[]> grown = new AtomicReferenceArray<>((int) Math.min(maxPages, Math.max(index + 1L, 2L * dir.length())));
            for (int i = 0; i < dir.length(); i++) {
                grown.set(i, dir.get(i));
            }
            pages = grown;
            dir = grown;
        }
        float[] page = dir.get(index);
        if (page == null) {
            page = new float[2 * PAGE * pairs];
            int sin = PAGE * pairs;
            for (int i = 0; i < PAGE; i++) {
                int p0 = index * PAGE + i;
                for (int p = 0; p < pairs; p++) {
                    float angle = p0 * freqs[p];
                    page[i * pairs + p] = (float) Math.cos(angle);
                    page[sin + i * pairs + p] = (float) Math.sin(angle);
                }
            }
            dir.set(index, page);
        }
        return page;
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
        float[] page = page(pos);
        int base = (pos % PAGE) * pairs;
        int sinBase = PAGE * pairs + base;
        for (int h = 0; h < nHeads; h++) {
            int headOff = off + h * pairs * 2;
            for (int p = 0; p < pairs; p++) {
                float c = page[base + p];
                float s = page[sinBase + p];
                int i = headOff + 2 * p;
                float v0 = v[i];
                float v1 = v[i + 1];
                v[i] = v0 * c - v1 * s;
                v[i + 1] = v0 * s + v1 * c;
            }
        }
    }
}
