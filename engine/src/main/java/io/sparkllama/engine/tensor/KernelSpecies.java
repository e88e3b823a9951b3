package io.sparkllama.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the block-quantized and half-precision kernels use: the preferred float
 * species (at least 8 lanes, so a lane count divides every 32-element block), and byte, short and
 * int species with the same lane count for widening loads.
 */
final class KernelSpecies {
    static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    static final int LANES = FLOAT.length();
    static final VectorSpecies<Byte> BYTE = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
    static final VectorSpecies<Short> SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.length() == LANES
            ? IntVector.SPECIES_PREFERRED : VectorSpecies.of(int.class, FLOAT.vectorShape());

    private KernelSpecies() {
    }

    static {
        if (32 % LANES != 0) {
            throw new IllegalStateException("float vectors of " + LANES + " lanes do not divide a 32-element block");
        }
        ByteVector.zero(BYTE);
        ShortVector.zero(SHORT);
    }
}
