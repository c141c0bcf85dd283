package org.medgemma4j.store.fit;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Common cards and Apple machines with their memory and bandwidth (vendor specifications). GPU
 * memory is in GiB as marketed ("24 GB" cards hold 24 GiB); Apple unified memory is the whole
 * machine's, of which macOS lets the GPU use about three quarters by default.
 */
public final class KnownDevices {

    /** A table row: names to match, memory in GiB, bandwidth in GB/s. */
    record Spec(String name, double memGiB, double bandwidthGBs, Device.Kind kind) {
        Device device() {
            long bytes = (long) (memGiB * Device.GIB);
            return new Device(name, kind == Device.Kind.UNIFIED ? bytes / 4 * 3 : bytes, bandwidthGBs, kind);
        }
    }

    static final List<Spec> TABLE = List.of(
            gpu("RTX 3060 12GB", 12, 360),
            gpu("RTX 3080 10GB", 10, 760),
            gpu("RTX 3090 24GB", 24, 936),
            gpu("RTX 4060 Ti 16GB", 16, 288),
            gpu("RTX 4070 12GB", 12, 504),
            gpu("RTX 4080 16GB", 16, 717),
            gpu("RTX 4090 24GB", 24, 1008),
            gpu("RTX 5090 32GB", 32, 1792),
            gpu("A10 24GB", 24, 600),
            gpu("L4 24GB", 24, 300),
            gpu("A100 40GB", 40, 1555),
            gpu("A100 80GB", 80, 2039),
            gpu("H100 80GB", 80, 3350),
            gpu("H200 141GB", 141, 4800),
            mac("M1 16GB", 16, 68),
            mac("M1 Pro 32GB", 32, 200),
            mac("M1 Max 64GB", 64, 400),
            mac("M2 24GB", 24, 100),
            mac("M2 Pro 32GB", 32, 200),
            mac("M2 Max 96GB", 96, 400),
            mac("M3 24GB", 24, 100),
            mac("M3 Pro 36GB", 36, 150),
            mac("M3 Max 128GB", 128, 400),
            mac("M4 32GB", 32, 120),
            mac("M4 Pro 24GB", 24, 273),
            mac("M4 Pro 48GB", 48, 273),
            mac("M4 Max 64GB", 64, 546),
            mac("M4 Max 128GB", 128, 546));

    private KnownDevices() {
    }

    private static Spec gpu(String name, double gib, double bw) {
        return new Spec(name, gib, bw, Device.Kind.GPU);
    }

    private static Spec mac(String name, double gib, double bw) {
        return new Spec("Apple " + name, gib, bw, Device.Kind.UNIFIED);
    }

    /**
     * The card named, matched loosely ("4090", "rtx-4090", "m4 pro 48"): every word of the query must
     * appear in the table name; among several matches the one whose name is the exact query or the first wins.
     */
    public static Device byName(String query) {
        List<Spec> hits = matches(query);
        if (hits.isEmpty()) {
            throw new IllegalArgumentException("unknown GPU '" + query + "'; known: "
                    + TABLE.stream().map(Spec::name).collect(Collectors.joining(", "))
                    + " (or give its memory with --vram GB)");
        }
        return hits.getFirst().device();
    }

    /**
     * The bandwidth of a detected card (nvidia-smi's name, e.g. "NVIDIA A100-SXM4-80GB"): a row whose
     * model words all appear in it, preferring one whose memory size appears too.
     */
    static Optional<Double> bandwidthOf(String detectedName) {
        String n = " " + normalise(detectedName) + " ";
        Spec best = null;
        int bestScore = 0;
        for (Spec s : TABLE) {
            String[] words = normalise(s.name()).split(" ");
            boolean all = true;
            int score = 1;
            for (String w : words) {
                boolean size = w.equals("gb") || w.matches("\\d+") && s.name().toLowerCase(Locale.ROOT).contains(w + "gb");
                boolean hit = n.contains(" " + w + " ");
                all &= hit || size;
                score += size && hit ? 1 : 0;
            }
            if (all && score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.bandwidthGBs());
    }

    private static List<Spec> matches(String query) {
        String[] words = normalise(query).split(" ");
        return TABLE.stream().filter(s -> {
            String n = " " + normalise(s.name()) + " ";
            for (String w : words) {
                if (!w.isEmpty() && !n.contains(" " + w + " ")) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").replaceAll("([a-z])(\\d)", "$1 $2").replaceAll("(\\d)gb", "$1 gb").strip();
    }
}
