package io.sparkllama.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a GGUF v3 Llama model of seeded random weights in a given shape and weight type: every
 * matrix (token embedding and output included, like llama.cpp's {@code --pure}) in that type,
 * norms in F32, the tokenizer copied from a vocab-only GGUF. Speed does not depend on the values.
 *
 * <p>{@code main}: {@code [--shared DIR] [--dir DIR] SHAPE TYPE...} writes (or reuses) the files
 * and prints their paths.
 */
final class SyntheticGgufFile {
    static final Path DEFAULT_DIR = Path.of("/tmp/spark-llama-synthetic");
    private static final int ALIGNMENT = 32;
    /** Random data is made and written this much at a time (whole rows). */
    private static final int CHUNK_BYTES = 16 << 20;
    private static final float RMS_EPS = 1e-5f;

    /**
     * One tensor to write; {@code zeroRows} are written as zeros (the output rows of control tokens);
     * a vector with {@code values} is written as those, any other vector as ones.
     */
    private record Tensor(String name, int rows, int cols, GgufWeightType type, int[] zeroRows, float[] values, long offset) {
        boolean isVector() {
            return rows == 1;
        }

        long[] dims() {
            return isVector() ? new long[] {cols} : new long[] {cols, rows};
        }

        long bytes() {
            return rows * type.rowBytes(cols);
        }
    }

    private SyntheticGgufFile() {
    }

    public static void main(String[] args) throws IOException {
        Path shared = Path.of("../shared");
        Path dir = DEFAULT_DIR;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> rest.add(args[i]);
            }
        }
        if (rest.size() < 2) {
            throw new IllegalArgumentException("usage: SyntheticGgufFile [--shared DIR] [--dir DIR] SHAPE TYPE...");
        }
        SyntheticShape shape = SyntheticShape.named(rest.get(0));
        for (String type : rest.subList(1, rest.size())) {
            System.out.println(write(dir, shape, GgufWeightType.valueOf(type.toUpperCase(Locale.ROOT)), shared));
        }
    }

    /** The file for {@code shape} in {@code type} under {@code dir}, written unless one of the right size is there. */
    static Path write(Path dir, SyntheticShape shape, GgufWeightType type, Path shared) throws IOException {
        Path file = dir.resolve(shape.name() + "-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
        VocabKvs vocab = VocabKvs.read(shared.resolve(shape.vocabGguf()));
        List<Tensor> tensors = tensors(shape, type, vocab.controlIds());
        byte[] header = header(shape, type, vocab, tensors);
        Tensor last = tensors.getLast();
        long expected = header.length + last.offset() + last.bytes();
        if (Files.exists(file) && Files.size(file) == expected) {
            return file;
        }
        Files.createDirectories(dir);
        // Written aside and renamed, so that an interrupted run never leaves a file to be reused.
        Path part = dir.resolve(file.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(header));
            RandomTensorBytes random = new RandomTensorBytes(shape.name().hashCode() * 31L + type.ordinal());
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES + 8).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                writePadding(ch, header.length + t.offset() - ch.position());
                writeTensor(ch, t, random, buf);
            }
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** llama.cpp's names and order; offsets relative to the data section, aligned. */
    private static List<Tensor> tensors(SyntheticShape s, GgufWeightType type, int[] controlIds) {
        List<Tensor> out = new ArrayList<>();
        int[] none = new int[0];
        // Control tokens (BOS, EOS, end of turn) get logit 0, which random logits always beat:
        // greedy decoding then never stops early, and both programs generate every token asked for.
        add(out, "token_embd.weight", s.vocab(), s.dim(), type, s.tied() ? controlIds : none);
        if (s.ropeScalingFactor() > 0) {
            add(out, "rope_freqs.weight", s.ropeFrequencyDivisors());
        }
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            add(out, p + "attn_norm.weight", 1, s.dim(), GgufWeightType.F32, none);
            add(out, p + "attn_q.weight", s.dim(), s.dim(), type, none);
            add(out, p + "attn_k.weight", s.kvDim(), s.dim(), type, none);
            add(out, p + "attn_v.weight", s.kvDim(), s.dim(), type, none);
            add(out, p + "attn_output.weight", s.dim(), s.dim(), type, none);
            add(out, p + "ffn_norm.weight", 1, s.dim(), GgufWeightType.F32, none);
            add(out, p + "ffn_gate.weight", s.hidden(), s.dim(), type, none);
            add(out, p + "ffn_up.weight", s.hidden(), s.dim(), type, none);
            add(out, p + "ffn_down.weight", s.dim(), s.hidden(), type, none);
        }
        add(out, "output_norm.weight", 1, s.dim(), GgufWeightType.F32, none);
        if (!s.tied()) {
            add(out, "output.weight", s.vocab(), s.dim(), type, controlIds);
        }
        return out;
    }

    private static void add(List<Tensor> out, String name, int rows, int cols, GgufWeightType type, int[] zeroRows) {
        out.add(new Tensor(name, rows, cols, type, zeroRows, null, nextOffset(out)));
    }

    private static void add(List<Tensor> out, String name, float[] values) {
        out.add(new Tensor(name, 1, values.length, GgufWeightType.F32, new int[0], values, nextOffset(out)));
    }

    private static long nextOffset(List<Tensor> out) {
        if (out.isEmpty()) {
            return 0;
        }
        Tensor prev = out.getLast();
        return align(prev.offset() + prev.bytes());
    }

    private static byte[] header(SyntheticShape s, GgufWeightType type, VocabKvs vocab, List<Tensor> tensors) {
        GgufHeaderBuilder h = new GgufHeaderBuilder()
                .string("general.architecture", "llama")
                .string("general.name", "synthetic " + s.name() + " " + type.name() + " (seeded random weights)")
                .u32("general.alignment", ALIGNMENT)
                .u32("general.file_type", type.fileType)
                .u32("general.quantization_version", 2)
                .u32("llama.context_length", s.context())
                .u32("llama.embedding_length", s.dim())
                .u32("llama.block_count", s.layers())
                .u32("llama.feed_forward_length", s.hidden())
                .u32("llama.attention.head_count", s.heads())
                .u32("llama.attention.head_count_kv", s.kvHeads())
                .u32("llama.rope.dimension_count", s.headSize())
                .f32("llama.attention.layer_norm_rms_epsilon", RMS_EPS)
                .f32("llama.rope.freq_base", s.ropeTheta())
                .u32("llama.vocab_size", s.vocab())
                .encoded(vocab.encoded(), vocab.count());
        for (Tensor t : tensors) {
            h.tensor(t.name(), t.dims(), t.type().ggmlCode, t.offset());
        }
        return h.build(ALIGNMENT);
    }

    private static void writeTensor(FileChannel ch, Tensor t, RandomTensorBytes random, ByteBuffer buf) throws IOException {
        if (t.isVector()) {
            writeVector(ch, t.values(), t.cols(), buf); // RMSNorm weights of 1: the norm itself, no scaling
            return;
        }
        long rowBytesLong = t.type().rowBytes(t.cols());
        if (rowBytesLong > CHUNK_BYTES) {
            throw new IllegalArgumentException(t.name() + " rows of " + rowBytesLong + " bytes do not fit the " + CHUNK_BYTES + "-byte buffer");
        }
        int rowBytes = (int) rowBytesLong;
        int rowsPerChunk = CHUNK_BYTES / rowBytes;
        for (int row = 0; row < t.rows(); row += rowsPerChunk) {
            int rows = Math.min(rowsPerChunk, t.rows() - row);
            random.fill(buf, rows * rowBytes, t.type(), t.cols());
            zeroRows(buf, t.zeroRows(), row, rows, rowBytes);
            writeFully(ch, buf);
        }
    }

    private static void zeroRows(ByteBuffer buf, int[] zeroRows, int firstRow, int rows, int rowBytes) {
        for (int r : zeroRows) {
            if (r >= firstRow && r < firstRow + rows) {
                int at = (r - firstRow) * rowBytes;
                for (int i = 0; i < rowBytes; i++) {
                    buf.put(at + i, (byte) 0);
                }
            }
        }
    }

    private static void writeVector(FileChannel ch, float[] values, int n, ByteBuffer buf) throws IOException {
        buf.clear();
        for (int i = 0; i < n; i++) {
            buf.putFloat(values == null ? 1f : values[i]);
        }
        writeFully(ch, buf.flip());
    }

    private static void writePadding(FileChannel ch, long n) throws IOException {
        if (n > 0) {
            writeFully(ch, ByteBuffer.wrap(new byte[(int) n]));
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
