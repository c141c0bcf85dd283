package org.medgemma4j.tensor;

/**
 * llama.cpp's CPU backend converts activations to a "vec_dot_type" before every matrix product: f16 for
 * F16 weights, bf16 for BF16, 8-bit blocks (Q8_0, Q8_1, Q8_K) for quantized weights. Rounding our float
 * activations the same way before the float kernels gives the products llama.cpp computes, so quantized
 * files produce llama.cpp's logits rather than merely similar ones.
 */
public final class ActivationRounding {

    private static final int QK = 32;
    private static final int QK_K = 256;

    private ActivationRounding() {
    }

    /** The type llama.cpp converts activations to for weights of {@code type} (ggml-cpu type_traits vec_dot_type). */
    public static GgmlType activationType(GgmlType type) {
        return switch (type) {
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            case Q4_0, Q5_0, Q8_0 -> GgmlType.Q8_0;
            case Q4_1, Q5_1 -> GgmlType.Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> GgmlType.Q8_K;
            default -> GgmlType.F32;
        };
    }

    /** Whether activations for weights of this type need rounding at all. */
    public static boolean rounds(GgmlType weights) {
        return activationType(weights) != GgmlType.F32;
    }

    /** out[o..o+n) = x[i..i+n) as the activation type represents it, decoded back to floats. */
    public static void round(GgmlType weights, float[] x, int i, float[] out, int o, int n) {
        switch (activationType(weights)) {
            case F16 -> {
                for (int k = 0; k < n; k++) {
                    out[o + k] = Float.float16ToFloat(Float.floatToFloat16(x[i + k]));
                }
            }
            case BF16 -> {
                for (int k = 0; k < n; k++) {
                    out[o + k] = bf16(x[i + k]);
                }
            }
            case Q8_0, Q8_1 -> {
                for (int b = 0; b < n; b += QK) {
                    roundQ8_0Block(x, i + b, out, o + b);
                }
            }
            case Q8_K -> {
                for (int b = 0; b < n; b += QK_K) {
                    roundQ8_KBlock(x, i + b, out, o + b);
                }
            }
            default -> System.arraycopy(x, i, out, o, n);
        }
    }

    /** ggml-cpu's quantize_row_q8_0 (AVX): scale max/127 kept as f16, values rounded half to even. */
    private static void roundQ8_0Block(float[] x, int i, float[] out, int o) {
        float amax = 0;
        for (int k = 0; k < QK; k++) {
            amax = Math.max(amax, Math.abs(x[i + k]));
        }
        float d = amax / 127.f;
        float dStored = Float.float16ToFloat(Float.floatToFloat16(d));
        float id = amax != 0.0f ? 127.f / amax : 0.0f;
        for (int k = 0; k < QK; k++) {
            out[o + k] = dStored * (float) Math.rint(x[i + k] * id);
        }
    }

    /** ggml's quantize_row_q8_K_ref: scale -127/max of the signed extreme, float scale, clamp at 127. */
    private static void roundQ8_KBlock(float[] x, int i, float[] out, int o) {
        float max = 0;
        float amax = 0;
        for (int k = 0; k < QK_K; k++) {
            float ax = Math.abs(x[i + k]);
            if (ax > amax) {
                amax = ax;
                max = x[i + k];
            }
        }
        if (amax == 0) {
            java.util.Arrays.fill(out, o, o + QK_K, 0f);
            return;
        }
        float iscale = -127.f / max;
        float d = 1 / iscale;
        for (int k = 0; k < QK_K; k++) {
            int q = Math.min(127, KQuants.nearestInt(iscale * x[i + k]));
            out[o + k] = d * q;
        }
    }

    /** ggml_cpu_fp32_to_bf16, round to nearest even, then back to float. */
    private static float bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return Float.intBitsToFloat((bits | 0x00400000) & 0xffff0000); // NaN stays a quiet NaN
        }
        bits = (bits + (0x7fff + ((bits >>> 16) & 1))) & 0xffff0000;
        return Float.intBitsToFloat(bits);
    }
}
