package org.medgemma4j.store.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.store.ModelRef;
import org.medgemma4j.store.StoreException;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.vision.SiglipEncoder;
import org.medgemma4j.vision.VisionConfig;

/**
 * The MedGemma variants, built from the real Gemma 3 dimensions (GEMMA3.md) and llama.cpp's quant
 * mixes, so that {@code fit medgemma-27b:q4_k_m} plans for a file without downloading anything.
 */
public final class Catalog {

    /**
     * One model of the family.
     *
     * @param hfRepo     a public GGUF repository of it, for pull
     * @param multimodal whether it has a SigLIP vision encoder (an mmproj file)
     */
    public record Entry(String name, String description, String hfRepo, boolean multimodal, int embd, int ff,
                        int layers, int heads, int headsKv, int headDim) {

        Gemma3Config config(String label) {
            float queryScale = layers == 62 ? (float) (1.0 / Math.sqrt((float) (embd / heads)))
                    : (float) (1.0 / Math.sqrt(headDim));
            return new Gemma3Config(label, VOCAB, 131072, embd, ff, layers, heads, headsKv, headDim, headDim,
                    1e-6f, 1024, 6, 1_000_000f, 10_000f, 1f / 8, queryScale);
        }
    }

    /** Text tokens; HF configs pad to 262,208, which changes sizes by well under 0.1%. */
    static final int VOCAB = 262_144;

    public static final List<Entry> ENTRIES = List.of(
            new Entry("medgemma-4b", "MedGemma 4B instruction-tuned, text and images", "unsloth/medgemma-4b-it-GGUF",
                    true, 2560, 10240, 34, 8, 4, 256),
            new Entry("medgemma-27b", "MedGemma 27B instruction-tuned, text and images", "unsloth/medgemma-27b-it-GGUF",
                    true, 5376, 21504, 62, 32, 16, 128),
            new Entry("medgemma-27b-text", "MedGemma 27B text-only instruction-tuned", "unsloth/medgemma-27b-text-it-GGUF",
                    false, 5376, 21504, 62, 32, 16, 128));

    private Catalog() {
    }

    public static Optional<Entry> entry(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** The catalog entry a name refers to, or empty when it is not a catalog name. */
    public static Optional<Entry> entry(ModelRef.Named ref) {
        return entry(ref.name());
    }

    /** The quantization a name asks for: its tag, Q4_K_M when none (as Ollama's medgemma:27b). */
    public static QuantMix quantOf(ModelRef.Named ref) throws StoreException {
        try {
            return ref.tag() == null ? QuantMix.Q4_K_M : QuantMix.parse(ref.tag());
        } catch (IllegalArgumentException e) {
            throw new StoreException(ref + ": " + e.getMessage());
        }
    }

    /** The Hugging Face reference a catalog name pulls. */
    public static ModelRef.HfRepo hfRef(Entry e, QuantMix q) {
        String[] r = e.hfRepo().split("/");
        return new ModelRef.HfRepo(r[0], r[1], q.name());
    }

    /** The tensors llama.cpp's quantizer would write for this model and file type. */
    public static ModelShape shape(Entry e, QuantMix q) {
        Gemma3Config c = e.config(e.name() + ":" + q.name().toLowerCase(Locale.ROOT));
        long d = e.embd();
        long qDim = (long) e.heads() * e.headDim();
        long kvDim = (long) e.headsKv() * e.headDim();
        int n = e.layers();
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec("token_embd.weight", q.embedding(), d * VOCAB, 2));
        for (int i = 0; i < n; i++) {
            String p = "blk." + i + ".";
            t.add(new TensorSpec(p + "attn_q.weight", q.main, d * qDim, 2));
            t.add(new TensorSpec(p + "attn_k.weight", q.main, d * kvDim, 2));
            t.add(new TensorSpec(p + "attn_v.weight", q.attnV(i, n, e.heads() / e.headsKv()), d * kvDim, 2));
            t.add(new TensorSpec(p + "attn_output.weight", q.attnOutput(), qDim * d, 2));
            t.add(new TensorSpec(p + "ffn_gate.weight", q.main, d * e.ff(), 2));
            t.add(new TensorSpec(p + "ffn_up.weight", q.main, d * e.ff(), 2));
            t.add(new TensorSpec(p + "ffn_down.weight", q.ffnDown(i, n), e.ff() * d, 2));
            for (String norm : List.of("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm")) {
                t.add(new TensorSpec(p + norm + ".weight", GgmlType.F32, d, 1));
            }
            t.add(new TensorSpec(p + "attn_q_norm.weight", GgmlType.F32, e.headDim(), 1));
            t.add(new TensorSpec(p + "attn_k_norm.weight", GgmlType.F32, e.headDim(), 1));
        }
        t.add(new TensorSpec("output_norm.weight", GgmlType.F32, d, 1));
        return new ModelShape(c.name(), c, t, e.multimodal() ? visionBytes(d) : 0);
    }

    /**
     * The SigLIP-so400m encoder and projector in F16, as the mmproj files ship: 27 layers of width
     * 1152 (FFN 4304), 14x14x3 patches, 4096 positions, and a projection to the text width; plus the
     * encoder's compute buffers on this machine's cores.
     */
    static long visionBytes(long textWidth) {
        long w = 1152;
        long perLayer = 4 * w * w + 2 * w * 4304;
        long params = 27 * perLayer + 14 * 14 * 3 * w + 4096 * w + w * textWidth;
        VisionConfig siglip = new VisionConfig(896, 14, 1152, 4304, 27, 16, 1e-6f, (int) textWidth, 4,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        return 2 * params + SiglipEncoder.bufferBytes(siglip, Runtime.getRuntime().availableProcessors());
    }
}
