package org.medgemma4j.embed;

/** Unit vectors and Matryoshka truncation. */
public final class Vectors {

    private Vectors() {
    }

    /** {@code v} scaled to length 1 in place (a zero vector stays zero); returns it. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    /**
     * The first {@code dims} components, renormalised: a Matryoshka embedding at a smaller size (EmbeddingGemma
     * was trained for 768, 512, 256 and 128). The full size returns the vector itself.
     */
    public static float[] truncate(float[] v, int dims) {
        if (dims < 1 || dims > v.length) {
            throw new IllegalArgumentException("dimensions must be 1 to " + v.length + ", got " + dims);
        }
        if (dims == v.length) {
            return v;
        }
        float[] out = new float[dims];
        System.arraycopy(v, 0, out, 0, dims);
        return normalize(out);
    }

    /** The cosine of two vectors of the same length. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
