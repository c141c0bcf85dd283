package org.medgemma4j.evaluation;

import java.util.Map;
import java.util.TreeMap;

/** Counts of scored items, overall and per subject; thread-safe. */
public final class Tally {

    private int n;
    private int correct;
    private int unparsed;
    private final Map<String, int[]> subjects = new TreeMap<>();

    public synchronized void add(ItemResult r) {
        n++;
        correct += r.correct() ? 1 : 0;
        unparsed += r.unparsed() ? 1 : 0;
        if (r.subject() != null) {
            int[] s = subjects.computeIfAbsent(r.subject(), k -> new int[3]);
            s[0]++;
            s[1] += r.correct() ? 1 : 0;
            s[2] += r.unparsed() ? 1 : 0;
        }
    }

    public synchronized int n() {
        return n;
    }

    public synchronized int correct() {
        return correct;
    }

    public synchronized int unparsed() {
        return unparsed;
    }

    public synchronized double accuracy() {
        return n == 0 ? 0 : (double) correct / n;
    }

    /** Per subject: {n, correct, unparsed}, by name. */
    public synchronized Map<String, int[]> subjects() {
        Map<String, int[]> copy = new TreeMap<>();
        subjects.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The Wilson score interval of a proportion at 95% (z = 1.96): sound at 0, 1 and small n, unlike the normal one. */
    public static double[] wilson(int successes, int trials) {
        if (trials == 0) {
            return new double[] {0, 1};
        }
        double z = 1.959963984540054;
        double p = (double) successes / trials;
        double z2n = z * z / trials;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / trials + z2n / (4.0 * trials)) / (1 + z2n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
