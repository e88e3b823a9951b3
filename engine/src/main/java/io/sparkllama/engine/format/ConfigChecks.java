package io.sparkllama.engine.format;

import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.model.ModelConfig;
import java.nio.file.Path;

/** Consistency checks every configuration must pass before weights are looked at. */
public final class ConfigChecks {
    private ConfigChecks() {
    }

    public static ModelConfig checked(Path file, ModelConfig c) {
        if (c.dim() % c.nHeads() != 0 && c.headSize() * c.nHeads() != c.dim()) {
            throw new ModelConfigException(file + ": n_heads " + c.nHeads() + " does not divide dim " + c.dim());
        }
        if (c.nKvHeads() > c.nHeads() || c.nHeads() % c.nKvHeads() != 0) {
            throw new ModelConfigException(file + ": n_kv_heads " + c.nKvHeads() + " must divide n_heads " + c.nHeads());
        }
        if (c.headSize() % 2 != 0) {
            throw new ModelConfigException(file + ": head size " + c.headSize() + " must be even for RoPE");
        }
        if ((long) c.dim() * c.hiddenDim() > Integer.MAX_VALUE || (long) c.vocabSize() * c.dim() > Integer.MAX_VALUE * 4L) {
            throw new ModelConfigException(file + ": dimensions are implausibly large (dim " + c.dim() + ", hidden "
                    + c.hiddenDim() + ", vocab " + c.vocabSize() + ")");
        }
        return c;
    }
}
