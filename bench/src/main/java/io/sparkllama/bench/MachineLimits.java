package io.sparkllama.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** This machine's fp32 FMA peak and memory read bandwidth, measured with the same Vector API the engine uses. */
final class MachineLimits {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Far bigger than any L3 here, so reads come from DRAM. */
    private static final long BUFFER_BYTES = 512L << 20;

    private MachineLimits() {
    }

    /** GFLOP/s of independent FMA chains on registers, {@code threads} threads at once; best of a few runs. */
    static double fmaPeakGflops(int threads) throws InterruptedException {
        long iters = 20_000_000L;
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            runOnThreads(threads, index -> sink += fmaLoop(iters));
            double s = (System.nanoTime() - t0) / 1e9;
            // 12 chains x L lanes x 2 flops per fma.
            best = Math.max(best, threads * iters * 12.0 * L * 2 / s / 1e9);
        }
        return best;
    }

    /** GB/s reading a 512 MiB off-heap buffer with vector loads, split over {@code threads}; best of a few runs. */
    static double readBandwidthGBs(int threads) throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(BUFFER_BYTES, 64);
            buf.fill((byte) 1);
            double best = 0;
            for (int rep = 0; rep < 6; rep++) {
                long part = BUFFER_BYTES / threads;
                long t0 = System.nanoTime();
                runOnThreads(threads, index -> sink += readSum(buf, index * part, part));
                double s = (System.nanoTime() - t0) / 1e9;
                if (rep > 0) {
                    best = Math.max(best, BUFFER_BYTES / s / 1e9);
                }
            }
            return best;
        }
    }

    static volatile float sink;

    private static float fmaLoop(long iters) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    private static float readSum(MemorySegment buf, long from, long bytes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long step = (long) L * Float.BYTES;
        long end = from + bytes - 4 * step;
        long o = from;
        for (; o <= end; o += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, buf, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(S, buf, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(S, buf, o + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(S, buf, o + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    private static void runOnThreads(int threads, IntConsumer job) throws InterruptedException {
        Thread[] ts = new Thread[threads - 1];
        for (int i = 1; i < threads; i++) {
            int index = i;
            ts[i - 1] = new Thread(() -> job.accept(index));
            ts[i - 1].start();
        }
        job.accept(0);
        for (Thread t : ts) {
            t.join();
        }
    }
}
