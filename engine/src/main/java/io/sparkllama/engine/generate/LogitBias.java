package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;
import java.util.Map;
import java.util.TreeMap;

/** Values added to chosen token ids' logits before sampling (OpenAI's {@code logit_bias}): each in [-100, 100]. */
public final class LogitBias {
    public static final LogitBias NONE = new LogitBias(new int[0], new float[0]);
    /** Most ids one bias may name. */
    public static final int MAX_ENTRIES = 1024;

    private final int[] ids;
    private final float[] biases;

    private LogitBias(int[] ids, float[] biases) {
        this.ids = ids;
        this.biases = biases;
    }

    /** The bias of {@code idToBias}; ids must be >= 0 and biases finite in [-100, 100]. */
    public static LogitBias of(Map<Integer, Float> idToBias) {
        if (idToBias == null || idToBias.isEmpty()) {
            return NONE;
        }
        if (idToBias.size() > MAX_ENTRIES) {
            throw new InvalidRequestException("logit_bias names " + idToBias.size() + " ids, over the limit of " + MAX_ENTRIES);
        }
        TreeMap<Integer, Float> sorted = new TreeMap<>();
        for (Map.Entry<Integer, Float> e : idToBias.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0) {
                throw new InvalidRequestException("logit_bias id " + e.getKey() + " is not a token id (ids are >= 0)");
            }
            Float b = e.getValue();
            if (b == null || !(b >= -100f && b <= 100f)) {
                throw new InvalidRequestException("logit_bias for id " + e.getKey() + " must be a number in [-100, 100], got " + b);
            }
            sorted.put(e.getKey(), b);
        }
        int[] ids = new int[sorted.size()];
        float[] biases = new float[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
            ids[i] = e.getKey();
            biases[i++] = e.getValue();
        }
        return new LogitBias(ids, biases);
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /** @throws InvalidRequestException naming the first id outside {@code [0, vocab)} */
    public void requireWithin(int vocab) {
        for (int id : ids) {
            if (id >= vocab) {
                throw new InvalidRequestException("logit_bias id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    /** Adds each bias to {@code logits[off + id]}. */
    public void addTo(float[] logits, int off) {
        for (int i = 0; i < ids.length; i++) {
            logits[off + ids[i]] += biases[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogitBias b && java.util.Arrays.equals(ids, b.ids) && java.util.Arrays.equals(biases, b.biases);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(ids) + java.util.Arrays.hashCode(biases);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(ids[i]).append(": ").append(biases[i]);
        }
        return sb.append('}').toString();
    }
}
