package org.medgemma4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.gguf.GgufWriter;
import org.medgemma4j.tensor.GgmlType;

/**
 * Gemma 3 mmproj files for tests: the real geometry (896-pixel images, 14-pixel patches, 4x4 pooling to 256
 * tokens), a narrow random-weight SigLIP, the tensor names and metadata llama.cpp's clip loader reads.
 * Matrices F16 (as in the F16 mmproj files users download); norms, biases and the position embedding F32 (llama.cpp adds it in F32 only). Cached like
 * {@link FixtureModels}.
 */
public final class MmprojFixtures {

    /** @param projection the text model's width (must match the text fixture paired with it) */
    public record Spec(String name, int width, int ff, int layers, int heads, int projection, long seed) {
        String fileName() {
            return String.format("mmproj-%s-%d-%d-%d-%d-%d-%d-v2.gguf", name, width, ff, layers, heads, projection, seed);
        }
    }

    /** 128 wide, 3 blocks, projecting to the 256-wide text fixtures (FixtureModels.TINY, DEEP). */
    public static final Spec SMALL = new Spec("small", 128, 256, 3, 2, 256, 11);
    /** MedGemma 4B's SigLIP-400M shape (1152 wide, 27 blocks, ff 4304, 16 heads) projecting to 2560: for timing. */
    public static final Spec SIGLIP_400M = new Spec("siglip400m", 1152, 4304, 27, 16, 2560, 12);

    public static final int IMAGE_SIZE = 896;
    public static final int PATCH_SIZE = 14;

    private MmprojFixtures() {
    }

    public static synchronized Path f16(Spec spec) {
        return FixtureCache.produce(FixtureModels.cacheDir().resolve(spec.fileName()), tmp -> write(spec, tmp));
    }

    /**
     * A single Gemma 3 model file as Ollama's store keeps it: the F32 text fixture {@code text} with the vision
     * tower of {@code vision}'s mmproj inside, the same bytes under Ollama's tensor names
     * (convert/convert_gemma3.go) and its {@code gemma3.vision.*} keys.
     */
    public static synchronized Path ollamaModel(FixtureModels.Spec text, Spec vision) {
        Path textFile = FixtureModels.f32(text);
        Path mmproj = f16(vision);
        String name = "ollama-" + textFile.getFileName().toString().replace(".gguf", "") + "-" + vision.fileName();
        return FixtureCache.produce(FixtureModels.cacheDir().resolve(name), tmp -> writeOllama(textFile, mmproj, vision, tmp));
    }

    private static void writeOllama(Path textFile, Path mmprojFile, Spec s, Path out) throws IOException {
        try (GgufFile t = GgufFile.open(textFile); GgufFile v = GgufFile.open(mmprojFile)) {
            GgufWriter w = new GgufWriter();
            t.metadata().asMap().forEach((k, val) -> w.put(k, t.metadata().type(k), val));
            String arch = t.metadata().getString("general.architecture");
            w.putUInt32(arch + ".vision.block_count", s.layers)
                    .putUInt32(arch + ".vision.embedding_length", s.width)
                    .putUInt32(arch + ".vision.feed_forward_length", s.ff)
                    .putUInt32(arch + ".vision.image_size", IMAGE_SIZE)
                    .putUInt32(arch + ".vision.patch_size", PATCH_SIZE)
                    .putUInt32(arch + ".vision.num_channels", 3)
                    .putUInt32(arch + ".vision.attention.head_count", s.heads)
                    .putFloat32(arch + ".vision.attention.layer_norm_epsilon", 1e-6f)
                    .putUInt32(arch + ".mm.tokens_per_image", 256);
            for (GgufTensorInfo ti : t.tensors()) {
                w.addTensor(ti.name(), ti.type(), ti.dims(), t.data(ti));
            }
            for (GgufTensorInfo ti : v.tensors()) {
                w.addTensor(ollamaName(ti.name()), ti.type(), ti.dims(), v.data(ti));
            }
            w.write(out);
        }
    }

    /** Ollama's name for an mmproj tensor, spelled out here so that the test checks the reader's mapping. */
    private static String ollamaName(String clip) {
        return clip.replace("v.patch_embd.", "v.patch_embedding.")
                .replace("v.position_embd.", "v.position_embedding.")
                .replace("v.post_ln.", "v.post_layernorm.")
                .replace(".ln1.", ".layer_norm1.")
                .replace(".ln2.", ".layer_norm2.")
                .replace(".attn_out.", ".attn_output.")
                .replace(".ffn_up.", ".mlp.fc1.")
                .replace(".ffn_down.", ".mlp.fc2.")
                .replace("mm.soft_emb_norm.", "mm.mm_soft_emb_norm.")
                .replace("mm.input_projection.", "mm.mm_input_projection.");
    }

    private static void write(Spec s, Path file) throws IOException {
        int d = s.width;
        int patches = (IMAGE_SIZE / PATCH_SIZE) * (IMAGE_SIZE / PATCH_SIZE);
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "clip")
                .putString("general.type", "mmproj")
                .putString("general.name", "medgemma4j mmproj fixture " + s.name)
                .putUInt32("general.file_type", 1)
                .putBool("clip.has_vision_encoder", true)
                .putString("clip.projector_type", "gemma3")
                .putBool("clip.use_gelu", true)
                .putUInt32("clip.vision.image_size", IMAGE_SIZE)
                .putUInt32("clip.vision.patch_size", PATCH_SIZE)
                .putUInt32("clip.vision.embedding_length", d)
                .putUInt32("clip.vision.feed_forward_length", s.ff)
                .putUInt32("clip.vision.block_count", s.layers)
                .putUInt32("clip.vision.projection_dim", s.projection)
                .putUInt32("clip.vision.attention.head_count", s.heads)
                .putFloat32("clip.vision.attention.layer_norm_epsilon", 1e-6f)
                .putFloats("clip.vision.image_mean", new float[] {0.5f, 0.5f, 0.5f})
                .putFloats("clip.vision.image_std", new float[] {0.5f, 0.5f, 0.5f});
        int patchLen = 3 * PATCH_SIZE * PATCH_SIZE;
        gaussian(w, s, GgmlType.F16, "v.patch_embd.weight", new long[] {PATCH_SIZE, PATCH_SIZE, 3, d}, 1.0 / Math.sqrt(patchLen));
        gaussian(w, s, GgmlType.F32, "v.patch_embd.bias", new long[] {d}, 0.05);
        gaussian(w, s, GgmlType.F32, "v.position_embd.weight", new long[] {d, patches}, 0.3);
        for (int l = 0; l < s.layers; l++) {
            String b = "v.blk." + l + ".";
            norm(w, s, b + "ln1", d);
            for (String m : new String[] {"attn_q", "attn_k", "attn_v", "attn_out"}) {
                gaussian(w, s, GgmlType.F16, b + m + ".weight", new long[] {d, d}, 1.0 / Math.sqrt(d));
                gaussian(w, s, GgmlType.F32, b + m + ".bias", new long[] {d}, 0.02);
            }
            norm(w, s, b + "ln2", d);
            gaussian(w, s, GgmlType.F16, b + "ffn_up.weight", new long[] {d, s.ff}, 1.0 / Math.sqrt(d));
            gaussian(w, s, GgmlType.F32, b + "ffn_up.bias", new long[] {s.ff}, 0.02);
            gaussian(w, s, GgmlType.F16, b + "ffn_down.weight", new long[] {s.ff, d}, 1.0 / Math.sqrt(s.ff));
            gaussian(w, s, GgmlType.F32, b + "ffn_down.bias", new long[] {d}, 0.02);
        }
        norm(w, s, "v.post_ln", d);
        uniform(w, s, "mm.soft_emb_norm.weight", d, 1.0, 0.2);
        // stored as [projection, width]: llama.cpp transposes it before the product
        gaussian(w, s, GgmlType.F16, "mm.input_projection.weight", new long[] {s.projection, d}, 1.0 / Math.sqrt(d));
        w.write(file);
    }

    private static void norm(GgufWriter w, Spec s, String name, int d) {
        uniform(w, s, name + ".weight", d, 1.0, 0.1);
        gaussian(w, s, GgmlType.F32, name + ".bias", new long[] {d}, 0.02);
    }

    private static void uniform(GgufWriter w, Spec s, String name, int n, double center, double spread) {
        SplittableRandom r = random(s, name);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (center + spread * (2 * r.nextDouble() - 1));
        }
        w.addTensor(name, new long[] {n}, v);
    }

    private static void gaussian(GgufWriter w, Spec s, GgmlType type, String name, long[] dims, double std) {
        long count = 1;
        for (long x : dims) {
            count *= x;
        }
        long total = count;
        w.addTensor(name, type, dims, out -> {
            SplittableRandom r = random(s, name);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < total; i++) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                float x = (float) (r.nextGaussian() * std);
                if (type == GgmlType.F16) {
                    buf.putShort(Float.floatToFloat16(x));
                } else {
                    buf.putFloat(x);
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    private static SplittableRandom random(Spec s, String tensor) {
        return new SplittableRandom(s.seed * 1_000_003L + tensor.hashCode());
    }
}
