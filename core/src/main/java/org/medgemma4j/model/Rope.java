package org.medgemma4j.model;

/**
 * Rotary position embedding, NeoX style (pairs i and i + d/2), with ggml's arithmetic: the angle for pair
 * i is position * base^(-2i/d) built by repeated float multiplication, then multiplied by the scale.
 */
final class Rope {

    private final float thetaScale;
    private final float freqScale;
    private final int half;

    Rope(float base, float freqScale, int headDim) {
        this.thetaScale = (float) Math.pow(base, -2.0f / headDim);
        this.freqScale = freqScale;
        this.half = headDim / 2;
    }

    /** Fills cos/sin[at .. at+d/2) for a position. */
    void angles(int position, float[] cos, float[] sin, int at) {
        float theta = position;
        for (int i = 0; i < half; i++) {
            float t = freqScale * theta;
            cos[at + i] = (float) Math.cos(t);
            sin[at + i] = (float) Math.sin(t);
            theta *= thetaScale;
        }
    }

    /** Rotates one head vector at x[off .. off+d) in place by the angles at cos/sin[at ..]. */
    void rotate(float[] x, int off, float[] cos, float[] sin, int at) {
        for (int i = 0; i < half; i++) {
            float x0 = x[off + i];
            float x1 = x[off + i + half];
            float c = cos[at + i];
            float s = sin[at + i];
            x[off + i] = x0 * c - x1 * s;
            x[off + i + half] = x0 * s + x1 * c;
        }
    }
}
