package org.medgemma4j.vision;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/**
 * Where a Gemma 3 image encoder lives in a GGUF file and what its tensors are called. The same SigLIP
 * weights ship two ways: as an mmproj beside the text model (llama.cpp's {@code clip} names and keys), or
 * inside the single model blob Ollama's store keeps for {@code medgemma:4b} and {@code gemma3:4b} (Ollama's
 * own names, convert/convert_gemma3.go and model/models/gemma3, and {@code gemma3.vision.*} keys).
 * {@link VisionWeights} asks for the clip name; this layout says which tensor in the file holds it.
 */
public enum VisionLayout {

    /** An mmproj file: general.architecture "clip", tensors v.patch_embd, v.blk.N.ln1, mm.input_projection, ... */
    MMPROJ,
    /** A Gemma 3 model file from Ollama carrying its vision tower: v.patch_embedding, v.blk.N.layer_norm1, ... */
    OLLAMA;

    /** The tensor Ollama's model reads its patch convolution from: its presence marks a vision tower inside. */
    static final String OLLAMA_MARKER = "v.patch_embedding.weight";

    private static final Pattern BLOCK = Pattern.compile("v\\.blk\\.(\\d+)\\.(ln1|ln2|attn_out|ffn_up|ffn_down)\\.(weight|bias)");

    /** The layout of {@code file}, or a clear error when it holds no Gemma 3 image encoder in either form. */
    public static VisionLayout of(GgufFile file) throws GgufException {
        String arch = file.metadata().getString("general.architecture", "");
        if (VisionConfig.ARCHITECTURE.equals(arch)) {
            return MMPROJ;
        }
        if (carriesOllamaVision(file)) {
            return OLLAMA;
        }
        throw new GgufException(file.path(), "neither an mmproj (clip) file nor a model file carrying its own vision tower "
                + "(general.architecture is '" + arch + "', no " + OLLAMA_MARKER + ")");
    }

    /** Whether a model file (not an mmproj) holds a Gemma 3 vision tower under Ollama's names and keys. */
    public static boolean carriesOllamaVision(GgufFile file) {
        String arch;
        try {
            arch = file.metadata().getString("general.architecture", "");
        } catch (GgufException e) {
            return false;
        }
        return !arch.isEmpty() && file.tensor(OLLAMA_MARKER) != null && file.metadata().has(arch + ".vision.block_count");
    }

    /** The hyperparameters, from the clip keys or from Ollama's {@code <arch>.vision.*} keys. */
    public VisionConfig config(GgufFile file) throws GgufException {
        return this == MMPROJ ? VisionConfig.from(file.metadata()) : VisionConfig.fromOllama(file.metadata());
    }

    /** The name this layout gives the tensor llama.cpp's clip loader calls {@code clipName}. */
    String tensorName(String clipName) {
        if (this == MMPROJ) {
            return clipName;
        }
        Matcher m = BLOCK.matcher(clipName);
        if (m.matches()) {
            String part = switch (m.group(2)) {
                case "ln1" -> "layer_norm1";
                case "ln2" -> "layer_norm2";
                case "attn_out" -> "attn_output";
                case "ffn_up" -> "mlp.fc1";
                default -> "mlp.fc2";
            };
            return "v.blk." + m.group(1) + "." + part + "." + m.group(3);
        }
        return switch (clipName) {
            case "v.patch_embd.weight" -> "v.patch_embedding.weight";
            case "v.patch_embd.bias" -> "v.patch_embedding.bias";
            case "v.position_embd.weight" -> "v.position_embedding.weight";
            case "v.post_ln.weight" -> "v.post_layernorm.weight";
            case "v.post_ln.bias" -> "v.post_layernorm.bias";
            case "mm.soft_emb_norm.weight" -> "mm.mm_soft_emb_norm.weight";
            // stored [width][projection] like the mmproj's: Ollama transposes it before the product too
            case "mm.input_projection.weight" -> "mm.mm_input_projection.weight";
            default -> clipName; // attn_q, attn_k, attn_v: the same in both
        };
    }

    /** Whether {@code tensor} belongs to the image encoder (in a model file, the text model's tensors do not). */
    public static boolean isVisionTensor(String tensor) {
        return tensor.startsWith("v.") || tensor.startsWith("mm.");
    }

    /** What to call the file in messages. */
    String describe() {
        return this == MMPROJ ? "the mmproj" : "the vision tower in";
    }
}
