package io.sparkllama.engine.format.llama2c;

import io.sparkllama.engine.error.Llama2cFormatException;
import io.sparkllama.engine.format.ConfigChecks;
import io.sparkllama.engine.format.ConfigFieldNames;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.NonFiniteWeights;
import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.stored.F32Matrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads karpathy's llama2.c {@code model.bin} (version 0): a 7-int32 header (dim, hidden_dim,
 * n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means an unshared
 * classifier follows), then fp32 tensors. Validates everything against the file length first.
 */
public final class Llama2cModelReader {
    static final int HEADER_BYTES = 7 * Integer.BYTES;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Llama2cModelReader() {
    }

    /** The header's configuration and the weights, as views of {@code file}. */
    public record Result(ModelConfig config, LlamaWeights weights) {
    }

    public static Result read(MappedFile file) {
        return read(file.path(), file.segment());
    }

    /** Reads the model bytes {@code seg}; {@code path} names them in errors. */
    public static Result read(Path path, MemorySegment seg) {
        if (seg.byteSize() < HEADER_BYTES) {
            throw Llama2cFormatException.of(path, "llama2.c header needs " + HEADER_BYTES + " bytes, file has "
                    + seg.byteSize() + " (is this a llama2.c model.bin?)");
        }
        int dim = seg.get(INT, 0);
        int hidden = seg.get(INT, 4);
        int nLayers = seg.get(INT, 8);
        int nHeads = seg.get(INT, 12);
        int nKvHeads = seg.get(INT, 16);
        int rawVocab = seg.get(INT, 20);
        int seqLen = seg.get(INT, 24);
        requirePositive(path, "dim", dim);
        requirePositive(path, "hidden_dim", hidden);
        requirePositive(path, "n_layers", nLayers);
        requirePositive(path, "n_heads", nHeads);
        requirePositive(path, "n_kv_heads", nKvHeads);
        requirePositive(path, "seq_len", seqLen);
        if (rawVocab == 0 || rawVocab == Integer.MIN_VALUE) {
            throw Llama2cFormatException.of(path, "header field vocab_size is " + rawVocab + ", must be non-zero");
        }
        boolean shared = rawVocab > 0;
        int vocab = Math.abs(rawVocab);
        if (dim % nHeads != 0) {
            throw Llama2cFormatException.of(path, "header field n_heads " + nHeads + " does not divide dim " + dim);
        }
        int headSize = dim / nHeads;
        ModelConfig config = ConfigChecks.checked(path, new ModelConfig(dim, hidden, nLayers, nHeads, nKvHeads, vocab, seqLen, headSize,
                1e-5f, 10000f, ModelConfig.RopeScaling.NONE), ConfigFieldNames.LLAMA2C, Llama2cFormatException::new);
        long kvDim = (long) nKvHeads * headSize;
        long expected;
        try {
            long perLayer = Math.addExact(Math.addExact(
                    Math.multiplyExact(2L * dim, dim + kvDim),               // wq, wo, wk, wv
                    Math.multiplyExact(3L * dim, hidden)),                  // w1, w2, w3
                    2L * dim);                                              // the two norms
            long floats = Math.addExact(Math.addExact(Math.addExact(
                    Math.multiplyExact((long) vocab, dim),                  // embedding
                    Math.multiplyExact(perLayer, nLayers)),
                    dim + (long) seqLen * headSize),                        // final norm, legacy freq_cis
                    shared ? 0 : Math.multiplyExact((long) vocab, dim));
            expected = Math.addExact(HEADER_BYTES, Math.multiplyExact(floats, 4L));
        } catch (ArithmeticException e) {
            throw Llama2cFormatException.of(path, "header dimensions are implausibly large (dim " + dim + ", hidden_dim "
                    + hidden + ", n_layers " + nLayers + ", vocab_size " + vocab + ")");
        }
        if (seg.byteSize() != expected) {
            throw Llama2cFormatException.of(path, "file is " + seg.byteSize() + " bytes but its header (dim " + dim
                    + ", hidden_dim " + hidden + ", n_layers " + nLayers + ", n_heads " + nHeads + ", n_kv_heads " + nKvHeads
                    + ", vocab_size " + rawVocab + ", seq_len " + seqLen + ") implies " + expected + ": truncated, padded or not a llama2.c model");
        }
        return new Result(config, weights(path, seg, config, shared));
    }

    private static LlamaWeights weights(Path path, MemorySegment seg, ModelConfig c, boolean shared) {
        Cursor cur = new Cursor(path, seg);
        int dim = c.dim();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        int layers = c.nLayers();
        WeightMatrix embedding = cur.matrix("token_embedding_table", c.vocabSize(), dim);
        float[][] attNorm = cur.vectors("rms_att_weight", layers, dim);
        WeightMatrix[] wq = cur.matrices("wq", layers, dim, dim);
        WeightMatrix[] wk = cur.matrices("wk", layers, kvDim, dim);
        WeightMatrix[] wv = cur.matrices("wv", layers, kvDim, dim);
        WeightMatrix[] wo = cur.matrices("wo", layers, dim, dim);
        float[][] ffnNorm = cur.vectors("rms_ffn_weight", layers, dim);
        WeightMatrix[] w1 = cur.matrices("w1", layers, hidden, dim);
        WeightMatrix[] w2 = cur.matrices("w2", layers, dim, hidden);
        WeightMatrix[] w3 = cur.matrices("w3", layers, hidden, dim);
        float[] finalNorm = cur.vectors("rms_final_weight", 1, dim)[0];
        cur.skipFloats((long) c.contextLength() * c.headSize()); // freq_cis_real and _imag, unused
        WeightMatrix classifier = shared ? embedding : cur.matrix("wcls", c.vocabSize(), dim);
        return new LlamaWeights(embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm, classifier);
    }

    private static void requirePositive(Path path, String field, int value) {
        if (value <= 0) {
            throw Llama2cFormatException.of(path, "header field " + field + " is " + value + ", must be positive");
        }
    }

    /** Walks the tensors in file order (the size was checked against the header), checking each for non-finite values. */
    private static final class Cursor {
        private final Path path;
        private final MemorySegment seg;
        private long offset = HEADER_BYTES;

        Cursor(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            long bytes = (long) rows * cols * Float.BYTES;
            WeightMatrix m = new F32Matrix(seg.asSlice(offset, bytes), rows, cols);
            offset += bytes;
            requireFinite(name, NonFiniteWeights.find(m));
            return m;
        }

        WeightMatrix[] matrices(String name, int layers, int rows, int cols) {
            WeightMatrix[] out = new WeightMatrix[layers];
            for (int l = 0; l < layers; l++) {
                out[l] = matrix(name + "[" + l + "]", rows, cols);
            }
            return out;
        }

        float[][] vectors(String name, int count, int n) {
            float[][] out = new float[count][n];
            for (int i = 0; i < count; i++) {
                MemorySegment.copy(seg, FLOAT, offset, out[i], 0, n);
                offset += (long) n * Float.BYTES;
                requireFinite(name + "[" + i + "]", NonFiniteWeights.find(out[i]));
            }
            return out;
        }

        void skipFloats(long n) {
            offset += n * Float.BYTES;
        }

        private void requireFinite(String name, String where) {
            if (where != null) {
                throw Llama2cFormatException.of(path, "tensor " + name + " " + where + ": the weights hold NaN or infinity");
            }
        }
    }
}
