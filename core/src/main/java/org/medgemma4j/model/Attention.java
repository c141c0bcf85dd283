package org.medgemma4j.model;

import java.lang.foreign.MemorySegment;
import org.medgemma4j.tensor.KernelChoice;
import org.medgemma4j.tensor.NativeIntegerKernels;
import org.medgemma4j.tensor.TensorFormat;

/**
 * Causal attention of one query head over the cached keys and values, computed as llama.cpp's CPU
 * flash attention does it (ggml_compute_forward_flash_attn_ext_f16_one_chunk): the query rounded to
 * the cache's type for the key dot products, an online softmax, and with an F16 cache the weighted
 * sum of values accumulated in f16. Three passes per call: every key's score, the softmax's factors, then the
 * weighted values; with an F16 cache and the native library's AVX-512 build, the first and last run there.
 */
final class Attention {

    private final KvCacheType type;
    private final int headDim;
    private final float[] query;
    private final float[] acc;
    private final float[] value;
    // the native loops over an F16 cache (AVX-512 F16C conversions), where they equal the Java ones; else null
    private final NativeIntegerKernels f16Loops;
    // per position of the current call: the key scores, then the online softmax's factors
    private float[] scores = new float[0];
    private float[] scales = new float[0];
    private float[] weights = new float[0];

    Attention(KvCacheType type, int headDim) {
        this.type = type;
        this.headDim = headDim;
        this.query = new float[headDim];
        this.acc = new float[headDim];
        this.value = new float[headDim];
        this.f16Loops = type == KvCacheType.F16 && headDim % 64 == 0
                ? KernelChoice.current().nativeKernels().filter(NativeIntegerKernels::hasF16Attention).orElse(null)
                : null;
    }

    /**
     * out[oOff..oOff+d) = softmax(q . K[lo..hi]) V[lo..hi] for the KV head at element offset {@code kvOff}
     * within each cached row, over positions lo..hi inclusive.
     */
    void attend(KvCache cache, int layer, float[] q, int qOff, int kvOff, int lo, int hi, float[] out, int oOff) {
        TensorFormat format = cache.format();
        MemorySegment keys = cache.keys(layer);
        MemorySegment values = cache.values(layer);
        long kvByteOff = type.ggmlType.bytesFor(kvOff);
        for (int i = 0; i < headDim; i++) {
            float x = q[qOff + i];
            query[i] = type == KvCacheType.F16 ? Float.float16ToFloat(Float.floatToFloat16(x)) : x;
            acc[i] = 0;
        }
        int count = hi - lo + 1;
        if (scores.length < count) {
            scores = new float[Math.max(count, 2 * scores.length)];
            scales = new float[scores.length];
            weights = new float[scores.length];
        }
        if (f16Loops != null) {
            f16Loops.attentionScoresF16(keys, cache.rowBytes(), cache.capacity(layer), kvByteOff, lo, hi, query, headDim, scores);
        } else {
            for (int p = lo; p <= hi; p++) {
                scores[p - lo] = format.dot(keys, cache.rowOffset(layer, p) + kvByteOff, query, 0, headDim);
            }
        }
        float sum = softmaxFactors(count);
        if (f16Loops != null) {
            f16Loops.attentionValuesF16(values, cache.rowBytes(), cache.capacity(layer), kvByteOff, lo, hi, scales, weights,
                    acc, headDim);
        } else {
            for (int p = lo; p <= hi; p++) {
                float ms = scales[p - lo];
                float vs = weights[p - lo];
                if (ms != 1.0f) { // scaling by 1 leaves the accumulator as it is
                    scale(ms);
                }
                format.dequantize(values, cache.rowOffset(layer, p) + kvByteOff, value, 0, headDim);
                if (type == KvCacheType.F16) {
                    for (int i = 0; i < headDim; i++) {
                        acc[i] = roundF16(Math.fma(value[i], vs, acc[i]));
                    }
                } else {
                    for (int i = 0; i < headDim; i++) {
                        acc[i] = Math.fma(value[i], vs, acc[i]);
                    }
                }
            }
        }
        float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
        for (int i = 0; i < headDim; i++) {
            out[oOff + i] = acc[i] * inv;
        }
    }

    /**
     * The online softmax over scores[0, count): for each position, the factor that rescales the accumulator
     * where the maximum rose ({@code scales}, else 1) and the weight of its value ({@code weights}, 1 where the
     * maximum rose); returns the sum of the weights, rescaled alike.
     */
    private float softmaxFactors(int count) {
        float sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float s = scores[i];
            float ms = 1.0f;
            float vs = 1.0f;
            if (s > max) {
                ms = (float) Math.exp(max - s);
                max = s;
            } else {
                vs = (float) Math.exp(s - max);
            }
            scales[i] = ms;
            weights[i] = vs;
            sum = sum * ms + vs;
        }
        return sum;
    }

    private void scale(float ms) {
        if (type == KvCacheType.F16) {
            for (int i = 0; i < headDim; i++) {
                acc[i] = roundF16(acc[i] * ms);
            }
        } else {
            for (int i = 0; i < headDim; i++) {
                acc[i] *= ms;
            }
        }
    }

    private static float roundF16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
