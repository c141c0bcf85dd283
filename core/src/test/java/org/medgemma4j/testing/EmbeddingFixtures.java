package org.medgemma4j.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.medgemma4j.gguf.GgufWriter;
import org.medgemma4j.tensor.GgmlType;

/**
 * Small EmbeddingGemma models (arch gemma-embedding) for tests: the real Gemma 3 vocabulary with BOS and EOS
 * added as EmbeddingGemma's files add them, the real layer structure (bidirectional, a symmetric sliding
 * window, mean pooling, optionally the dense head), random weights shaped as {@link FixtureModels} shapes
 * them. Cached beside them through {@link FixtureCache}.
 */
public final class EmbeddingFixtures {

    /**
     * @param dense the dense head's inner width (EmbeddingGemma: 3072), 0 for a file without the head
     */
    public record Spec(String name, int embd, int ff, int layers, int heads, int headsKv, int headDim,
                       int slidingWindow, int context, int dense, long seed) {

        String fileName() {
            return String.format("embed-%s-%d-%d-%d-%d-%d-%d-%d-%d-%d-%d-v1.gguf", name, embd, ff, layers, heads, headsKv,
                    headDim, slidingWindow, context, dense, seed);
        }
    }

    /** 6 layers (5 sliding with a symmetric window of 16, 1 global), one KV head as EmbeddingGemma, no dense head. */
    public static final Spec TINY = new Spec("tiny", 256, 512, 6, 4, 1, 64, 16, 2048, 0, 11);
    /** The same with a dense head 256 -> 512 -> 256. */
    public static final Spec TINY_DENSE = new Spec("tinydense", 256, 512, 6, 4, 1, 64, 16, 2048, 512, 12);

    private EmbeddingFixtures() {
    }

    public static synchronized Path f32(Spec spec) {
        return FixtureCache.produce(FixtureModels.cacheDir().resolve(spec.fileName()), tmp -> write(spec, tmp));
    }

    /** The fixture quantized by llama.cpp (llama_model_quantize), e.g. Q8_0. */
    public static synchronized Path quantized(Spec spec, String fileType) {
        Path src = f32(spec);
        return FixtureCache.produce(FixtureModels.cacheDir().resolve(spec.fileName().replace(".gguf", "-" + fileType + ".gguf")),
                tmp -> LlamaOracle.quantize(src, tmp, fileType));
    }

    private static void write(Spec s, Path file) throws IOException {
        String a = "gemma-embedding.";
        Gemma3Vocabulary vocab = Gemma3Vocabulary.load();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "gemma-embedding")
                .putString("general.name", "medgemma4j embedding fixture " + s.name)
                .putUInt32("general.file_type", 0)
                .putUInt32(a + "context_length", s.context)
                .putUInt32(a + "embedding_length", s.embd)
                .putUInt32(a + "block_count", s.layers)
                .putUInt32(a + "feed_forward_length", s.ff)
                .putUInt32(a + "attention.head_count", s.heads)
                .putUInt32(a + "attention.head_count_kv", s.headsKv)
                .putUInt32(a + "attention.key_length", s.headDim)
                .putUInt32(a + "attention.value_length", s.headDim)
                .putFloat32(a + "attention.layer_norm_rms_epsilon", 1e-6f)
                .putUInt32(a + "attention.sliding_window", s.slidingWindow)
                .putFloat32(a + "rope.freq_base", 1_000_000f)
                .putUInt32(a + "pooling_type", 1); // mean
        if (s.dense > 0) {
            w.putUInt32(a + "dense_2_feat_in", s.embd).putUInt32(a + "dense_2_feat_out", s.dense)
                    .putUInt32(a + "dense_3_feat_in", s.dense).putUInt32(a + "dense_3_feat_out", s.embd);
        }
        vocab.writeTo(w);
        w.putBool("tokenizer.ggml.add_eos_token", true); // EmbeddingGemma's tokenizer ends every text with <eos>

        int q = s.heads * s.headDim;
        int kv = s.headsKv * s.headDim;
        double postGain = 6.0 / Math.sqrt(2.0 * s.layers);
        gaussian(w, s, "token_embd.weight", s.embd, vocab.size(), 1.0 / Math.sqrt(s.embd));
        norm(w, s, "output_norm.weight", s.embd, 1.0, 0.05);
        for (int l = 0; l < s.layers; l++) {
            String b = "blk." + l + ".";
            norm(w, s, b + "attn_norm.weight", s.embd, 1.0, 0.1);
            gaussian(w, s, b + "attn_q.weight", s.embd, q, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, b + "attn_k.weight", s.embd, kv, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, b + "attn_v.weight", s.embd, kv, 1.0 / Math.sqrt(s.embd));
            norm(w, s, b + "attn_q_norm.weight", s.headDim, 1.0, 0.1);
            norm(w, s, b + "attn_k_norm.weight", s.headDim, 1.0, 0.1);
            gaussian(w, s, b + "attn_output.weight", q, s.embd, 1.0 / Math.sqrt(q));
            norm(w, s, b + "post_attention_norm.weight", s.embd, postGain, 0.2 * postGain);
            norm(w, s, b + "ffn_norm.weight", s.embd, 1.0, 0.1);
            gaussian(w, s, b + "ffn_gate.weight", s.embd, s.ff, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, b + "ffn_up.weight", s.embd, s.ff, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, b + "ffn_down.weight", s.ff, s.embd, 1.0 / Math.sqrt(s.ff));
            norm(w, s, b + "post_ffw_norm.weight", s.embd, postGain, 0.2 * postGain);
        }
        if (s.dense > 0) {
            gaussian(w, s, "dense_2.weight", s.embd, s.dense, 1.0 / Math.sqrt(s.embd));
            gaussian(w, s, "dense_3.weight", s.dense, s.embd, 1.0 / Math.sqrt(s.dense));
        }
        w.write(file);
    }

    private static void gaussian(GgufWriter w, Spec s, String name, int cols, int rows, double std) {
        w.addTensor(name, GgmlType.F32, new long[] {cols, rows},
                out -> FixtureModels.stream(out, GgmlType.F32, (long) cols * rows, random(s, name), r -> r.nextGaussian() * std));
    }

    private static void norm(GgufWriter w, Spec s, String name, int n, double center, double spread) {
        w.addTensor(name, GgmlType.F32, new long[] {n},
                out -> FixtureModels.stream(out, GgmlType.F32, n, random(s, name), r -> center + spread * (2 * r.nextDouble() - 1)));
    }

    private static SplittableRandom random(Spec s, String tensor) {
        return new SplittableRandom(s.seed * 1_000_003L + tensor.hashCode());
    }
}
