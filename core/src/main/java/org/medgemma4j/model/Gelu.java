package org.medgemma4j.model;

/**
 * GELU (tanh approximation) as llama.cpp's CPU backend computes it: the input rounded to f16 and looked
 * up in a 65536-entry table of f16 results (ggml_vec_geglu_f32 with GGML_GELU_FP16), exact outside +-10.
 */
public final class Gelu {

    private static final float GELU_COEF_A = 0.044715f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float[] TABLE = new float[1 << 16];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            float x = Float.float16ToFloat((short) i);
            float g = 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1.0f + GELU_COEF_A * x * x)));
            TABLE[i] = Float.float16ToFloat(Float.floatToFloat16(g));
        }
    }

    private Gelu() {
    }

    /** x[i] = gelu(x[i]) over [from, to) (ggml_vec_gelu_f32: the vision encoder's activation). */
    public static void inPlace(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            x[i] = v <= -10.0f ? 0.0f : v >= 10.0f ? v : TABLE[Float.floatToFloat16(v) & 0xFFFF];
        }
    }

    /** gate[i] = gelu(gate[i]) * up[i] over [from, to). */
    static void gatedInPlace(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = gate[i];
            float g;
            if (x <= -10.0f) {
                g = 0.0f;
            } else if (x >= 10.0f) {
                g = x;
            } else {
                g = TABLE[Float.floatToFloat16(x) & 0xFFFF];
            }
            gate[i] = g * up[i];
        }
    }
}
