package org.medgemma4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Read bandwidth the way a decode step reads weights: each thread streams its own part of a buffer far
 * larger than the caches with the widest vector loads, eight independent loads in flight (eight
 * accumulators), so the memory system, not one dependency chain, sets the pace. A naive
 * one-accumulator loop reports about half of this. Prints JSON: threads, buffer_mb, gb_s (the best of
 * the passes; each pass reads the whole buffer once).
 */
public final class ReadBandwidth {

    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final int VB = S.vectorByteSize();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ReadBandwidth() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 2;
        long mb = 2048;
        double seconds = 4;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-t" -> threads = Integer.parseInt(args[i + 1]);
                case "-mb" -> mb = Long.parseLong(args[i + 1]);
                case "-s" -> seconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        System.out.println(measure(threads, mb << 20, seconds));
    }

    static String measure(int threads, long bytes, double seconds) throws Exception {
        long chunk = bytes / threads / (8L * VB) * (8L * VB);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(chunk * threads, 4096);
            for (long o = 0; o < buf.byteSize(); o += 8) {
                buf.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o, o * 0x9E3779B97F4A7C15L);
            }
            for (int w = 0; w < 3; w++) {
                stream(buf, 0, chunk); // warm up C2
            }
            double best = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long[] sink = new long[threads];
            while (System.nanoTime() < deadline) {
                CyclicBarrier start = new CyclicBarrier(threads);
                Thread[] ts = new Thread[threads];
                long[] ns = new long[threads];
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ts[t] = Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        long t0 = System.nanoTime();
                        sink[id] += stream(buf, id * chunk, chunk);
                        ns[id] = System.nanoTime() - t0;
                    });
                }
                long slowest = 0;
                for (int t = 0; t < threads; t++) {
                    ts[t].join();
                    slowest = Math.max(slowest, ns[t]);
                }
                best = Math.max(best, (double) chunk * threads / slowest);
            }
            long s = 0;
            for (long v : sink) {
                s ^= v;
            }
            return String.format("{\"threads\": %d, \"buffer_mb\": %d, \"gb_s\": %.2f, \"checksum\": %d}",
                    threads, (chunk * threads) >> 20, best, s & 1);
        }
    }

    /** Reads [from, from+len) with eight independent vector loads per step. */
    static long stream(MemorySegment seg, long from, long len) {
        LongVector a0 = LongVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long end = from + len;
        for (long o = from; o < end; o += 8L * VB) {
            a0 = a0.add(LongVector.fromMemorySegment(S, seg, o, LE));
            a1 = a1.add(LongVector.fromMemorySegment(S, seg, o + VB, LE));
            a2 = a2.add(LongVector.fromMemorySegment(S, seg, o + 2L * VB, LE));
            a3 = a3.add(LongVector.fromMemorySegment(S, seg, o + 3L * VB, LE));
            a4 = a4.add(LongVector.fromMemorySegment(S, seg, o + 4L * VB, LE));
            a5 = a5.add(LongVector.fromMemorySegment(S, seg, o + 5L * VB, LE));
            a6 = a6.add(LongVector.fromMemorySegment(S, seg, o + 6L * VB, LE));
            a7 = a7.add(LongVector.fromMemorySegment(S, seg, o + 7L * VB, LE));
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).lane(0);
    }
}
