package io.sparkllama.engine.tensor.kernel;

import io.sparkllama.engine.error.VectorSupportException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses: the machine's preferred float species (4, 8 or 16 lanes;
 * wider machines use 16, since {@link LaneSum}'s canonical order has 16 lanes), and byte, short and
 * int species with the same lane count for widening loads. A 4-lane machine has no 32-bit byte
 * vector, so there the byte species has 8 lanes and {@link #bytes} fills only the first 4.
 */
public final class KernelSpecies {
    /** Float lanes of the kernels: 4 (128-bit: NEON, SSE), 8 (AVX2) or 16 (AVX-512). */
    public static final VectorSpecies<Float> FLOAT = floatSpecies();
    public static final int LANES = FLOAT.length();
    public static final VectorSpecies<Byte> BYTE = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    public static final VectorSpecies<Short> SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    public static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.length() == LANES
            ? IntVector.SPECIES_PREFERRED : VectorSpecies.of(int.class, FLOAT.vectorShape());
    private static final VectorMask<Byte> FIRST_LANES = VectorMask.fromLong(BYTE, (1L << LANES) - 1);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private KernelSpecies() {
    }

    private static VectorSpecies<Float> floatSpecies() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        if (lanes < 4) {
            throw VectorSupportException.tooNarrow(lanes * 32);
        }
        return lanes > 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    }

    /**
     * {@link #LANES} bytes from {@code m} at {@code off}, little-endian, in the low lanes of a
     * {@link #BYTE} vector; on a 4-lane machine a masked load, so it never reads past them.
     */
    public static ByteVector bytes(MemorySegment m, long off) {
        return LANES >= 8
                ? ByteVector.fromMemorySegment(BYTE, m, off, LE)
                : ByteVector.fromMemorySegment(BYTE, m, off, LE, FIRST_LANES);
    }

    static {
        ByteVector.zero(BYTE);
        ShortVector.zero(SHORT);
    }
}
