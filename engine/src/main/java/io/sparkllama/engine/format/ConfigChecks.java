package io.sparkllama.engine.format;

import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.model.ModelConfig;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Consistency and range checks every configuration passes before anything is sized from it: head
 * counts against each other, every width and count under a bound far above any Llama (so that no
 * product of them overflows before the tensors are checked against the file), the declared
 * context under {@link #MAX_CONTEXT}, and finite positive norm epsilon, RoPE base and scaling.
 */
public final class ConfigChecks {
    /** Widest dimension (embedding, FFN, all query or key/value heads together) accepted: Llama 3.1 405B's FFN is 53248. */
    public static final int MAX_WIDTH = 1 << 20;
    /** Largest vocabulary accepted (Llama 3: 128256). */
    public static final int MAX_VOCAB = 1 << 24;
    /** Most layers accepted (Llama 3.1 405B: 126); the tensors present are counted separately. */
    public static final int MAX_LAYERS = 1 << 14;
    /** Longest declared context accepted: 128x Llama 3.1's 131072. It bounds positions, it sizes nothing. */
    public static final int MAX_CONTEXT = 1 << 24;

    private ConfigChecks() {
    }

    /**
     * {@code c} when it passes every check; otherwise {@code error} of a message naming {@code file}
     * and the field as {@code names} spells it.
     */
    public static ModelConfig checked(Path file, ModelConfig c, ConfigFieldNames names, Function<String, ? extends ModelFormatException> error) {
        Check check = new Check(file, error);
        check.range(names.dim(), c.dim(), MAX_WIDTH);
        check.range(names.hiddenDim(), c.hiddenDim(), MAX_WIDTH);
        check.range(names.layers(), c.nLayers(), MAX_LAYERS);
        check.range(names.heads(), c.nHeads(), MAX_WIDTH);
        check.range(names.kvHeads(), c.nKvHeads(), MAX_WIDTH);
        check.range(names.vocab(), c.vocabSize(), MAX_VOCAB);
        check.range(names.context(), c.contextLength(), MAX_CONTEXT);
        check.range(names.headSize(), c.headSize(), MAX_WIDTH);
        if (c.nKvHeads() > c.nHeads() || c.nHeads() % c.nKvHeads() != 0) {
            throw check.fail(names.kvHeads() + " " + c.nKvHeads() + " must divide " + names.heads() + " " + c.nHeads());
        }
        if (c.headSize() % 2 != 0) {
            throw check.fail("head size " + c.headSize() + " (" + names.headSize() + ") must be even for RoPE");
        }
        if ((long) c.nHeads() * c.headSize() > MAX_WIDTH) {
            throw check.fail(names.heads() + " " + c.nHeads() + " x head size " + c.headSize() + " is over " + MAX_WIDTH);
        }
        check.positiveFinite(names.rmsEps(), c.rmsEps());
        check.positiveFinite(names.ropeTheta(), c.ropeTheta());
        ModelConfig.RopeScaling s = c.ropeScaling();
        if (s.enabled()) {
            check.positiveFinite(names.ropeScaling() + " factor", s.factor());
            check.positiveFinite(names.ropeScaling() + " low_freq_factor", s.lowFreqFactor());
            check.positiveFinite(names.ropeScaling() + " high_freq_factor", s.highFreqFactor());
            if (!(s.highFreqFactor() > s.lowFreqFactor())) {
                throw check.fail(names.ropeScaling() + " high_freq_factor " + s.highFreqFactor() + " must exceed low_freq_factor "
                        + s.lowFreqFactor());
            }
        }
        return c;
    }

    /** One configuration's checks and the exception they throw. */
    private record Check(Path file, Function<String, ? extends ModelFormatException> error) {
        void range(String field, int value, int max) {
            if (value <= 0 || value > max) {
                throw fail(field + " is " + value + ", must be 1 to " + max);
            }
        }

        void positiveFinite(String field, float value) {
            if (!(value > 0) || !Float.isFinite(value)) {
                throw fail(field + " is " + value + ", must be a positive finite number");
            }
        }

        ModelFormatException fail(String problem) {
            return error.apply(file + ": " + problem);
        }
    }
}
