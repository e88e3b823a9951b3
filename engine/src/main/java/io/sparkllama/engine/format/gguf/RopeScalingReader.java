package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.model.ModelConfig.RopeScaling;
import java.nio.file.Path;

/**
 * Llama 3.1-style RoPE frequency scaling of a GGUF model. llama.cpp's converter stores it not as
 * parameters but as a {@code rope_freqs.weight} tensor of per-frequency divisors; this finds the
 * parameters (from {@code llama.rope.scaling.*} keys, else Llama 3.1's and 3.2's published ones)
 * that reproduce that tensor, and refuses a tensor none of them explains.
 */
final class RopeScalingReader {
    private static final String TENSOR = "rope_freqs.weight";

    private RopeScalingReader() {
    }

    static RopeScaling read(GgufFile gguf, GgufTensors tensors, ModelConfig c) {
        Path path = gguf.file().path();
        GgufMetadata md = gguf.metadata();
        String type = md.string("llama.rope.scaling.type", "none");
        if (!tensors.has(TENSOR)) {
            if (!type.equals("none")) {
                throw GgufFormatException.of(path, "llama.rope.scaling.type '" + type + "' is not supported (only Llama 3.1 scaling via "
                        + TENSOR + " is)");
            }
            return RopeScaling.NONE;
        }
        float[] divisors = tensors.vector(TENSOR, c.headSize() / 2);
        int original = md.integer("llama.rope.scaling.original_context_length", 8192);
        float factor = md.number("llama.rope.scaling.factor", 8f);
        RopeScaling[] candidates = {
            new RopeScaling(factor, md.number("llama.rope.scaling.low_freq_factor", 1f),
                    md.number("llama.rope.scaling.high_freq_factor", 4f), original),
            new RopeScaling(8f, 1f, 4f, 8192),   // Llama 3.1
            new RopeScaling(32f, 1f, 4f, 8192),  // Llama 3.2
        };
        for (RopeScaling s : candidates) {
            if (explains(s, divisors, c)) {
                return s;
            }
        }
        throw GgufFormatException.of(path, "tensor " + TENSOR + " holds RoPE frequency divisors that no Llama 3.1-style scaling explains");
    }

    private static boolean explains(RopeScaling s, float[] divisors, ModelConfig c) {
        for (int p = 0; p < divisors.length; p++) {
            double freq = 1.0 / Math.pow(c.ropeTheta(), 2.0 * p / c.headSize());
            double wavelen = 2 * Math.PI / freq;
            double expected;
            if (wavelen < s.originalContextLength() / (double) s.highFreqFactor()) {
                expected = 1;
            } else if (wavelen > s.originalContextLength() / (double) s.lowFreqFactor()) {
                expected = s.factor();
            } else {
                double smooth = (s.originalContextLength() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                expected = 1 / ((1 - smooth) / s.factor() + smooth);
            }
            if (Math.abs(expected - divisors[p]) > 1e-3 * expected) {
                return false;
            }
        }
        return true;
    }
}
