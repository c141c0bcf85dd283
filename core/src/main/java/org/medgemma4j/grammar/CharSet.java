package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of Unicode code points as sorted, disjoint, non-adjacent closed ranges. Public for the JSON Schema
 * compiler (module structured), which writes a regex pattern's classes with it.
 */
public final class CharSet {

    static final int MAX = 0x10FFFF;
    static final CharSet ANY = new CharSet(new int[] {0, MAX});

    /** lo0, hi0, lo1, hi1, ... */
    private final int[] ranges;

    private CharSet(int[] ranges) {
        this.ranges = ranges;
    }

    public static CharSet of(int codePoint) {
        return new CharSet(new int[] {codePoint, codePoint});
    }

    /** The union of closed ranges given as lo, hi pairs in any order; complemented when {@code negated}. */
    public static CharSet of(List<int[]> pairs, boolean negated) {
        List<int[]> sorted = new ArrayList<>(pairs);
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] p : sorted) {
            if (!merged.isEmpty() && p[0] <= merged.getLast()[1] + 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], p[1]);
            } else {
                merged.add(new int[] {p[0], p[1]});
            }
        }
        if (negated) {
            List<int[]> complement = new ArrayList<>();
            int next = 0;
            for (int[] p : merged) {
                if (p[0] > next) {
                    complement.add(new int[] {next, p[0] - 1});
                }
                next = p[1] + 1;
            }
            if (next <= MAX) {
                complement.add(new int[] {next, MAX});
            }
            merged = complement;
        }
        int[] flat = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            flat[2 * i] = merged.get(i)[0];
            flat[2 * i + 1] = merged.get(i)[1];
        }
        return new CharSet(flat);
    }

    /** The ranges as {lo, hi} pairs. */
    public List<int[]> pairs() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            out.add(new int[] {ranges[i], ranges[i + 1]});
        }
        return out;
    }

    /** The code points of this set that are not in {@code other}. */
    public CharSet minus(CharSet other) {
        List<int[]> outside = of(pairs(), true).pairs();
        outside.addAll(other.pairs());
        return of(outside, true);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    public boolean contains(int cp) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (cp < ranges[i]) {
                return false;
            }
            if (cp <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Whether some code point in [lo, hi] is in the set. */
    boolean intersects(int lo, int hi) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] <= hi && ranges[i + 1] >= lo) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharSet c && Arrays.equals(ranges, c.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ranges.length; i += 2) {
            sb.append(String.format("%x", ranges[i]));
            if (ranges[i + 1] != ranges[i]) {
                sb.append('-').append(String.format("%x", ranges[i + 1]));
            }
            sb.append(i + 2 < ranges.length ? " " : "");
        }
        return sb.append(']').toString();
    }
}
