package io.sparkllama.engine.tensor.kernel;

import io.sparkllama.engine.error.VectorSupportException;

/** Checks, before any kernel class loads, that this JVM can run the vector kernels at all. */
public final class VectorSupport {
    private VectorSupport() {
    }

    /** Throws {@link VectorSupportException} naming the JVM flag to fix when the kernels cannot run here. */
    public static void check() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw VectorSupportException.moduleMissing();
        }
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        if (lanes < 4) {
            throw VectorSupportException.tooNarrow(lanes * Float.SIZE);
        }
    }

    /** The kernels' vector width in bits (128, 256 or 512), for logs and benchmark records. */
    public static int bits() {
        check();
        return KernelSpecies.LANES * Float.SIZE;
    }
}
