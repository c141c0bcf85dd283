package org.medgemma4j.model;

/** RMS normalisation as ggml computes it: the sum of squares in double, the scale in float, then the weight. */
final class RmsNorm {

    private RmsNorm() {
    }

    /** out[oOff..] = x[xOff..] / rms(x) * w, over n elements (out may be x). */
    static void apply(float[] x, int xOff, float[] w, float[] out, int oOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            out[oOff + i] = (x[xOff + i] * scale) * w[i];
        }
    }
}
