package io.sparkllama.bench;

import io.sparkllama.engine.tensor.kernel.HalfKvKernels;
import io.sparkllama.engine.tensor.kernel.VectorMath;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decode attention of one layer of Llama 3.2 1B's shape (32 query heads, 8 kv heads of 64) over
 * paged KV blocks of 32 positions, with f32, f16 and bf16 blocks: ns per position and the 16-bit
 * types' time relative to f32, the three interleaved round by round so that they see the same load.
 *
 * <p>Usage: {@code KvAttentionBench [--positions 512,4096] [--rounds N] [--out FILE]}.
 */
public final class KvAttentionBench {
    private static final int BLOCK = 32;
    private static final int HEADS = 32;
    private static final int KV_HEADS = 8;
    private static final int HEAD = 64;
    private static final int KV_DIM = KV_HEADS * HEAD;
    private static final String[] TYPES = {"f32", "f16", "bf16"};

    private KvAttentionBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] positions = {512, 4096};
        int rounds = 7;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--positions" -> positions = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "kv-attention");
        report.put("machine", MachineInfo.describe());
        report.put("shape", "32 heads, 8 kv heads, head 64 (Llama 3.2 1B), one layer, one decode token");
        List<Object> cells = new ArrayList<>();
        for (int count : positions) {
            cells.add(cell(count, rounds));
        }
        report.put("cells", cells);
        report.put("load_average_at_end", MachineInfo.loadAverage());
        BenchRecord.emit(report, out);
    }

    private static Map<String, Object> cell(int count, int rounds) throws java.io.IOException {
        SplittableRandom rnd = new SplittableRandom(count);
        MemorySegment[][] blocks = new MemorySegment[TYPES.length][];
        for (int t = 0; t < TYPES.length; t++) {
            int bytes = t == 0 ? Float.BYTES : Short.BYTES;
            blocks[t] = new MemorySegment[(count + BLOCK - 1) / BLOCK];
            for (int b = 0; b < blocks[t].length; b++) {
                MemorySegment s = Arena.ofAuto().allocate(2L * BLOCK * KV_DIM * bytes, 64);
                for (long e = 0; e < 2L * BLOCK * KV_DIM; e++) {
                    float x = (float) rnd.nextDouble(-1, 1);
                    if (t == 0) {
                        s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, e, x);
                    } else {
                        s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, e,
                                t == 1 ? Float.floatToFloat16(x) : (short) (Float.floatToRawIntBits(x) >>> 16));
                    }
                }
                blocks[t][b] = s;
            }
        }
        float[] q = new float[HEADS * HEAD];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] att = new float[count];
        float[] outv = new float[HEADS * HEAD];
        int reps = Math.max(3, 4_000_000 / count);
        double[][] ns = new double[TYPES.length][rounds];
        for (int warm = 0; warm < 3; warm++) {
            for (int t = 0; t < TYPES.length; t++) {
                time(t, blocks[t], q, att, outv, count, reps);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < TYPES.length; t++) {
                ns[t][r] = time(t, blocks[t], q, att, outv, count, reps);
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("positions", count);
        double f32 = Median.of(ns[0]);
        for (int t = 0; t < TYPES.length; t++) {
            double m = Median.of(ns[t]);
            c.put(TYPES[t] + "_ns_per_position", Rounded.of(m / count));
            if (t > 0) {
                c.put(TYPES[t] + "_time_vs_f32", Rounded.of(m / f32));
            }
        }
        c.put("load_average", MachineInfo.loadAverage());
        System.err.println("[bench] " + c);
        return c;
    }

    /** Median-free single timing: ns per attention pass (every head), averaged over {@code reps} passes. */
    private static double time(int type, MemorySegment[] blocks, float[] q, float[] att, float[] out, int count, int reps) {
        int bytes = type == 0 ? Float.BYTES : Short.BYTES;
        long valueOffset = (long) BLOCK * KV_DIM * bytes;
        int lanes = VectorMath.LANES;
        long t0 = System.nanoTime();
        for (int rep = 0; rep < reps; rep++) {
            for (int h = 0; h < HEADS; h++) {
                int kvOff = (h / (HEADS / KV_HEADS)) * HEAD;
                for (int p0 = 0, b = 0; p0 < count; p0 += BLOCK, b++) {
                    int n = Math.min(BLOCK, count - p0);
                    long kOff = (long) kvOff * lanes * bytes;
                    if (type == 0) {
                        VectorMath.dotTiles(q, h * HEAD, blocks[b], kOff, KV_DIM * lanes, HEAD, n, 8f, att, p0);
                    } else {
                        HalfKvKernels.dotTiles(q, h * HEAD, blocks[b], kOff, KV_DIM * lanes, HEAD, n, 8f, att, p0, type == 2);
                    }
                }
                VectorMath.softmax(att, 0, count);
                if (type == 0) {
                    VectorMath.weightedRowSum(out, h * HEAD, att, 0, count, blocks, BLOCK, valueOffset + (long) kvOff * bytes, KV_DIM, HEAD);
                } else {
                    HalfKvKernels.weightedRowSum(out, h * HEAD, att, 0, count, blocks, BLOCK, valueOffset + (long) kvOff * bytes, KV_DIM, HEAD,
                            type == 2);
                }
            }
        }
        return (System.nanoTime() - t0) / (double) reps;
    }
}
