package org.medgemma4j.vision;

import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufMetadata;

/**
 * The hyperparameters of a Gemma 3 image encoder, as llama.cpp's clip loader reads them from an mmproj GGUF
 * (tools/mtmd/clip.cpp): a SigLIP vision transformer over {@code imageSize / patchSize} squared patches and the
 * Gemma 3 projector (average pool of {@code poolKernel} x {@code poolKernel} patches, RMS norm, projection to
 * the text model's width).
 */
public record VisionConfig(int imageSize, int patchSize, int width, int feedForwardLength, int blockCount,
                           int headCount, float layerNormEps, int projectionDim, int poolKernel,
                           float[] imageMean, float[] imageStd) {

    public static final String ARCHITECTURE = "clip";

    public VisionConfig {
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a whole number of " + patchSize + "-pixel patches");
        }
        if (headCount <= 0 || width % headCount != 0) {
            throw new IllegalArgumentException("width " + width + " does not split into " + headCount + " heads");
        }
        if (poolKernel <= 0 || (imageSize / patchSize) % poolKernel != 0) {
            throw new IllegalArgumentException((imageSize / patchSize) + " patches a side do not pool by " + poolKernel);
        }
        if (imageMean.length != 3 || imageStd.length != 3) {
            throw new IllegalArgumentException("image mean and std need 3 channels each");
        }
    }

    /** Reads the vision keys of an mmproj file; a file that is not a Gemma 3 vision projector gets a clear error. */
    public static VisionConfig from(GgufMetadata m) throws GgufException {
        String arch = m.getString("general.architecture", "");
        if (!ARCHITECTURE.equals(arch)) {
            throw new GgufException("not an mmproj (clip) file: general.architecture is '" + arch + "'");
        }
        if (!m.getBoolean("clip.has_vision_encoder", false)) {
            throw new GgufException("this mmproj has no vision encoder (clip.has_vision_encoder is not true)");
        }
        String projector = m.has("clip.vision.projector_type") ? m.getString("clip.vision.projector_type")
                : m.getString("clip.projector_type", "");
        if (!"gemma3".equals(projector)) {
            throw new GgufException("mmproj projector type '" + projector + "' is not supported (only gemma3)");
        }
        if (!m.getBoolean("clip.use_gelu", false)) {
            throw new GgufException("this mmproj asks for quick-GELU (clip.use_gelu is not true); Gemma 3's SigLIP uses GELU");
        }
        if (m.has("clip.vision.attention.head_count_kv")
                && m.getInt("clip.vision.attention.head_count_kv") != m.getInt("clip.vision.attention.head_count")) {
            throw new GgufException("grouped-query attention in the vision encoder is not supported");
        }
        return new VisionConfig(
                m.getInt("clip.vision.image_size"),
                m.getInt("clip.vision.patch_size"),
                m.getInt("clip.vision.embedding_length"),
                m.getInt("clip.vision.feed_forward_length"),
                m.getInt("clip.vision.block_count"),
                m.getInt("clip.vision.attention.head_count"),
                m.getFloat("clip.vision.attention.layer_norm_epsilon", 1e-6f),
                m.getInt("clip.vision.projection_dim"),
                m.getInt("clip.vision.projector.scale_factor", 4),
                m.has("clip.vision.image_mean") ? m.getFloatArray("clip.vision.image_mean") : new float[] {0.5f, 0.5f, 0.5f},
                m.has("clip.vision.image_std") ? m.getFloatArray("clip.vision.image_std") : new float[] {0.5f, 0.5f, 0.5f});
    }

    /**
     * Reads the vision keys Ollama writes into a Gemma 3 model file that carries its own vision tower
     * ({@code gemma3.vision.*}; convert/convert_gemma3.go): the projection goes to the text model's width,
     * the pool makes {@code gemma3.mm.tokens_per_image} tokens (256 when absent), mean and std are 0.5 as in
     * Ollama's image processor.
     */
    public static VisionConfig fromOllama(GgufMetadata m) throws GgufException {
        String arch = m.getString("general.architecture", "");
        String v = arch + ".vision.";
        if (m.getInt(v + "num_channels", 3) != 3) {
            throw new GgufException("the vision tower takes " + m.getInt(v + "num_channels") + " channels; only RGB (3) is supported");
        }
        int imageSize = m.getInt(v + "image_size");
        int patchSize = m.getInt(v + "patch_size");
        int tokens = m.getInt(arch + ".mm.tokens_per_image", m.getInt(arch + ".mm_tokens_per_image", 256));
        int tokensPerSide = (int) Math.round(Math.sqrt(tokens));
        int side = patchSize > 0 ? imageSize / patchSize : 0;
        if (tokensPerSide * tokensPerSide != tokens || tokensPerSide == 0 || side % tokensPerSide != 0) {
            throw new GgufException(tokens + " image tokens do not pool evenly from " + side + " patches a side");
        }
        return new VisionConfig(imageSize, patchSize,
                m.getInt(v + "embedding_length"),
                m.getInt(v + "feed_forward_length"),
                m.getInt(v + "block_count"),
                m.getInt(v + "attention.head_count"),
                m.getFloat(v + "attention.layer_norm_epsilon", 1e-6f),
                m.getInt(arch + ".embedding_length"),
                side / tokensPerSide,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
    }

    /** Patches along one side of the image (64 for 896 / 14). */
    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    public int patchCount() {
        return patchesPerSide() * patchesPerSide();
    }

    /** Image tokens the projector emits (256 for Gemma 3). */
    public int tokenCount() {
        int side = patchesPerSide() / poolKernel;
        return side * side;
    }

    public int headDim() {
        return width / headCount;
    }

    /** Floats of one patch: 3 channels of patchSize x patchSize pixels. */
    public int patchLength() {
        return 3 * patchSize * patchSize;
    }
}
