package org.medgemma4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.medgemma4j.gguf.GgufWriter;
import org.medgemma4j.tensor.GgmlType;

/**
 * Small Gemma 3 models for tests: the real architecture and the real Gemma 3 vocabulary, random
 * weights. The weights are shaped like a trained model's (unit-scale embeddings, near-one norms,
 * post-norm gains that let the context, not only the last token, decide the next one; calm attention), so
 * that tiny numeric differences between engines do not flip every later token.
 *
 * Files are written once and cached under ~/.cache/medgemma4j/fixtures (or $MEDGEMMA_FIXTURES),
 * keyed by the spec, so every module's tests share them (and concurrent test runs: see {@link FixtureCache}).
 * Quantized variants come from llama.cpp's own quantizer, exactly as users' Q4_K_M/Q8_0 files are made.
 */
public final class FixtureModels {

    /**
     * The shape of a fixture. Row widths that are multiples of 256 let llama.cpp use K-quants for
     * every matrix, as in the real 4B and 27B files.
     *
     * @param ropeScaling linear rope scaling factor for the global layers, 0 for none
     */
    public record Spec(String name, int embd, int ff, int layers, int heads, int headsKv, int headDim,
                       int slidingWindow, int context, float ropeScaling, boolean separateOutput, long seed) {

        String fileName() {
            return String.format("%s-%d-%d-%d-%d-%d-%d-%d-%d-%s-%s-%d-v3.gguf", name, embd, ff, layers, heads, headsKv,
                    headDim, slidingWindow, context, Float.toString(ropeScaling), separateOutput, seed);
        }
    }

    /** 6 layers (5 sliding, 1 global), 4B-style linear rope scaling x8, a sliding window of 16. */
    public static final Spec TINY = new Spec("tiny", 256, 512, 6, 4, 2, 64, 16, 1024, 8f, false, 1);
    /** 62 layers: the 27B rules (query scale from width/heads, which differs from 1/sqrt(head_dim) here). */
    public static final Spec DEEP = new Spec("deep62", 256, 256, 62, 4, 2, 32, 16, 1024, 8f, false, 2);
    /** A separate output matrix instead of tied embeddings, and no rope scaling. */
    public static final Spec UNTIED = new Spec("untied", 256, 512, 6, 2, 1, 128, 16, 1024, 0f, true, 3);
    /**
     * MedGemma 4B's text dimensions (GEMMA3.md): 2560 wide, 34 layers, 8/4 heads of 256, ff 10240, window
     * 1024, linear rope x8. Too large for F32 (16 GB): write it with {@link #f16} and quantize that.
     */
    public static final Spec MEDGEMMA_4B = new Spec("medgemma4b", 2560, 10240, 34, 8, 4, 256, 1024, 131072, 8f, false, 4);

    private FixtureModels() {
    }

    public static Path cacheDir() {
        String env = System.getenv("MEDGEMMA_FIXTURES");
        Path dir = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "medgemma4j", "fixtures");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The F32 file of a fixture, written on first use. */
    public static synchronized Path f32(Spec spec) {
        return FixtureCache.produce(cacheDir().resolve(spec.fileName()), tmp -> write(spec, tmp));
    }

    /**
     * The fixture quantized by llama.cpp (llama_model_quantize) to one of its file types: F16, BF16,
     * Q8_0, Q4_0, Q4_K_M, Q5_K_M, Q6_K, Q3_K_M, Q2_K, ...
     */
    public static synchronized Path quantized(Spec spec, String fileType) {
        Path src = f32(spec);
        return FixtureCache.produce(cacheDir().resolve(spec.fileName().replace(".gguf", "-" + fileType + ".gguf")),
                tmp -> LlamaOracle.quantize(src, tmp, fileType));
    }

    /** The F16 file of a fixture (half the size of F32: what large fixtures are quantized from). */
    public static synchronized Path f16(Spec spec) {
        return FixtureCache.produce(cacheDir().resolve(spec.fileName().replace(".gguf", "-src16.gguf")),
                tmp -> write(spec, tmp, GgmlType.F16));
    }

    /** As {@link #quantized}, but quantized from the {@link #f16} file (for fixtures too large for F32). */
    public static synchronized Path quantizedFromF16(Spec spec, String fileType) {
        Path src = f16(spec);
        return FixtureCache.produce(cacheDir().resolve(spec.fileName().replace(".gguf", "-src16-" + fileType + ".gguf")),
                tmp -> LlamaOracle.quantize(src, tmp, fileType));
    }

    private static void write(Spec s, Path file) throws IOException {
        write(s, file, GgmlType.F32);
    }

    private static void write(Spec s, Path file, GgmlType matrixType) throws IOException {
        Gemma3Vocabulary vocab = Gemma3Vocabulary.load();
        int nVocab = vocab.size();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "gemma3")
                .putString("general.name", "medgemma4j fixture " + s.name)
                .putUInt32("general.file_type", matrixType == GgmlType.F16 ? 1 : 0)
                .putUInt32("gemma3.context_length", s.context)
                .putUInt32("gemma3.embedding_length", s.embd)
                .putUInt32("gemma3.block_count", s.layers)
                .putUInt32("gemma3.feed_forward_length", s.ff)
                .putUInt32("gemma3.attention.head_count", s.heads)
                .putUInt32("gemma3.attention.head_count_kv", s.headsKv)
                .putUInt32("gemma3.attention.key_length", s.headDim)
                .putUInt32("gemma3.attention.value_length", s.headDim)
                .putFloat32("gemma3.attention.layer_norm_rms_epsilon", 1e-6f)
                .putUInt32("gemma3.attention.sliding_window", s.slidingWindow)
                .putFloat32("gemma3.rope.freq_base", 1_000_000f);
        if (s.ropeScaling != 0) {
            w.putString("gemma3.rope.scaling.type", "linear").putFloat32("gemma3.rope.scaling.factor", s.ropeScaling);
        }
        vocab.writeTo(w);

        int q = s.heads * s.headDim;
        // Post-norm gains such that all layers together outweigh the token's own embedding about
        // sixfold: the next token then depends on the context, not just on the last token (tied
        // embeddings otherwise make "repeat the input" win every time). Measured on TINY: llama.cpp's
        // F16 file stays 0.2% (relative RMS) from its F32 file, with every top-1 equal.
        double postGain = 6.0 / Math.sqrt(2.0 * s.layers);
        int kv = s.headsKv * s.headDim;
        // Unit-RMS embeddings after the sqrt(embd) scale; every token row distinct.
        gaussian(w, s, matrixType, "token_embd.weight", s.embd, nVocab, 1.0 / Math.sqrt(s.embd));
        norm(w, s, "output_norm.weight", s.embd, 1.0, 0.05);
        if (s.separateOutput) {
            gaussian(w, s, matrixType, "output.weight", s.embd, nVocab, 1.0 / Math.sqrt(s.embd));
        }
        for (int l = 0; l < s.layers; l++) {
            String b = "blk." + l + ".";
            norm(w, s, b + "attn_norm.weight", s.embd, 1.0, 0.1);
            gaussian(w, s, matrixType, b + "attn_q.weight", s.embd, q, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, matrixType, b + "attn_k.weight", s.embd, kv, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, matrixType, b + "attn_v.weight", s.embd, kv, 1.0 / Math.sqrt(s.embd));
            norm(w, s, b + "attn_q_norm.weight", s.headDim, 1.0, 0.1);
            norm(w, s, b + "attn_k_norm.weight", s.headDim, 1.0, 0.1);
            gaussian(w, s, matrixType, b + "attn_output.weight", q, s.embd, 1.0 / Math.sqrt(q));
            norm(w, s, b + "post_attention_norm.weight", s.embd, postGain, 0.2 * postGain);
            norm(w, s, b + "ffn_norm.weight", s.embd, 1.0, 0.1);
            gaussian(w, s, matrixType, b + "ffn_gate.weight", s.embd, s.ff, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, matrixType, b + "ffn_up.weight", s.embd, s.ff, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, matrixType, b + "ffn_down.weight", s.ff, s.embd, 1.0 / Math.sqrt(s.ff));
            norm(w, s, b + "post_ffw_norm.weight", s.embd, postGain, 0.2 * postGain);
        }
        w.write(file);
    }

    private static void gaussian(GgufWriter w, Spec s, GgmlType type, String name, int cols, int rows, double std) {
        w.addTensor(name, type, new long[] {cols, rows},
                out -> stream(out, type, (long) cols * rows, random(s, name), r -> r.nextGaussian() * std));
    }

    private static void norm(GgufWriter w, Spec s, String name, int n, double center, double spread) {
        w.addTensor(name, GgmlType.F32, new long[] {n},
                out -> stream(out, GgmlType.F32, n, random(s, name), r -> center + spread * (2 * r.nextDouble() - 1)));
    }

    private static SplittableRandom random(Spec s, String tensor) {
        return new SplittableRandom(s.seed * 1_000_003L + tensor.hashCode());
    }

    interface Sampler {
        double next(SplittableRandom r);
    }

    static void stream(java.io.OutputStream out, GgmlType type, long count, SplittableRandom r, Sampler f)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            if (type == GgmlType.F16) {
                buf.putShort(Float.floatToFloat16((float) f.next(r)));
            } else {
                buf.putFloat((float) f.next(r));
            }
        }
        out.write(buf.array(), 0, buf.position());
    }
}
