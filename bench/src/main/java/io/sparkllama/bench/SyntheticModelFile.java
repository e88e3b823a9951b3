package io.sparkllama.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Writes a llama2.c v0 .bin of seeded random weights in a given shape: speed does not depend on the values. */
final class SyntheticModelFile {
    private SyntheticModelFile() {
    }

    /** The stories110M shape: dim 768, hidden 2048, 12 layers, 12 heads, vocab 32000, seq_len 1024. */
    static Path stories110M(Path dir) throws IOException {
        return write(dir.resolve("synth110M.bin"), 768, 2048, 12, 12, 12, 32000, 1024);
    }

    static Path write(Path file, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen) throws IOException {
        int headSize = dim / heads;
        int kvDim = kvHeads * headSize;
        long floats = (long) vocab * dim + (long) layers * (2L * dim + 2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden)
                + dim + (long) seqLen * headSize;
        long expected = 28 + floats * Float.BYTES;
        if (Files.exists(file) && Files.size(file) == expected) {
            return file;
        }
        SplittableRandom rnd = new SplittableRandom(110);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen}) {
                head.putInt(v);
            }
            head.flip();
            ch.write(head);
            float scale = (float) (1 / Math.sqrt(dim));
            Writer w = new Writer(ch, rnd);
            // Embedding (= classifier): rows 1 (BOS) and 2 (EOS) zero, so that greedy decoding of
            // random weights never picks a stop token and both programs generate every token.
            w.random(dim, 1f);
            w.constant(2L * dim, 0f);
            w.random((long) (vocab - 3) * dim, 1f);
            w.constant((long) layers * dim, 1f);
            w.random((long) layers * dim * dim, scale);
            w.random((long) layers * dim * kvDim, scale);
            w.random((long) layers * dim * kvDim, scale);
            w.random((long) layers * dim * dim, scale);
            w.constant((long) layers * dim, 1f);
            w.random((long) layers * hidden * dim, scale);
            w.random((long) layers * dim * hidden, (float) (1 / Math.sqrt(hidden)));
            w.random((long) layers * hidden * dim, scale);
            w.constant(dim, 1f);
            w.constant((long) seqLen * headSize, 0f); // legacy RoPE tables, unused
            w.flush();
        }
        return file;
    }

    /** Buffered little-endian float writer. */
    private static final class Writer {
        private final FileChannel ch;
        private final SplittableRandom rnd;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);

        Writer(FileChannel ch, SplittableRandom rnd) {
            this.ch = ch;
            this.rnd = rnd;
        }

        void random(long n, float scale) throws IOException {
            for (long i = 0; i < n; i++) {
                put((float) (rnd.nextDouble() * 2 - 1) * scale);
            }
        }

        void constant(long n, float v) throws IOException {
            for (long i = 0; i < n; i++) {
                put(v);
            }
        }

        private void put(float v) throws IOException {
            if (!buf.hasRemaining()) {
                flush();
            }
            buf.putFloat(v);
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }
}
