package org.medgemma4j.store.fit;

import java.util.Locale;
import org.medgemma4j.tensor.GgmlType;

/**
 * llama.cpp's file types and the tensor types its quantizer picks for a Gemma 3 model
 * (llama-quant.cpp, llama_tensor_get_type): a main type, with more bits for the tied embeddings,
 * for attn_v and ffn_down in some layers and for attn_output in the low-bit mixes. Norms stay F32.
 */
public enum QuantMix {
    Q2_K(GgmlType.Q2_K),
    Q3_K_M(GgmlType.Q3_K),
    Q4_0(GgmlType.Q4_0),
    Q4_K_M(GgmlType.Q4_K),
    Q5_K_M(GgmlType.Q5_K),
    Q6_K(GgmlType.Q6_K),
    Q8_0(GgmlType.Q8_0),
    F16(GgmlType.F16),
    BF16(GgmlType.BF16);

    public final GgmlType main;

    QuantMix(GgmlType main) {
        this.main = main;
    }

    /** Parses q4_k_m, Q8_0, f16, ... with the valid names in the error. */
    public static QuantMix parse(String s) {
        for (QuantMix q : values()) {
            if (q.name().equalsIgnoreCase(s)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown quantization '" + s + "' (known: " + names() + ")");
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (QuantMix q : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(q.name().toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    private boolean quantized() {
        return this != F16 && this != BF16;
    }

    /** The tied token embedding (also the output matrix): Q6_K in every quantized mix but Q8_0. */
    GgmlType embedding() {
        return !quantized() || this == Q8_0 ? main : GgmlType.Q6_K;
    }

    /** attn_v of layer i of n; gqa = heads / kv heads. */
    GgmlType attnV(int i, int n, int gqa) {
        return switch (this) {
            case Q2_K -> gqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            case Q3_K_M -> i < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            case Q4_K_M, Q5_K_M -> useMoreBits(i, n) ? GgmlType.Q6_K : main;
            default -> main;
        };
    }

    GgmlType ffnDown(int i, int n) {
        return switch (this) {
            case Q2_K -> GgmlType.Q3_K;
            case Q3_K_M -> i < n / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
            case Q4_K_M, Q5_K_M -> useMoreBits(i, n) ? GgmlType.Q6_K : main;
            default -> main;
        };
    }

    GgmlType attnOutput() {
        return switch (this) {
            case Q2_K -> GgmlType.Q3_K;
            case Q3_K_M -> GgmlType.Q4_K;
            default -> main;
        };
    }

    // The first and last eighth of the layers, and every third in between.
    private static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }
}
