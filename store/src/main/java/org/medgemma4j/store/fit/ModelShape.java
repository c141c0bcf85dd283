package org.medgemma4j.store.fit;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufHeader;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.vision.SiglipEncoder;
import org.medgemma4j.vision.VisionConfig;
import org.medgemma4j.vision.VisionLayout;

/**
 * What the fit planner needs to know of a model, whether read from a GGUF header or built from the
 * catalog: the hyperparameters and every weight tensor's type and size.
 *
 * @param visionBytes the vision encoder (mmproj) of a multimodal model, loaded only for images; 0 if none
 */
public record ModelShape(String name, Gemma3Config config, List<TensorSpec> tensors, long visionBytes) {

    public ModelShape {
        tensors = List.copyOf(tensors);
    }

    /**
     * The shape of an opened GGUF file (any part of a split model opens the whole model). A vision tower inside
     * the file (Ollama's store) is not the text model's: {@link #visionBytes} counts it.
     */
    public static ModelShape of(GgufFile file) throws GgufException {
        Gemma3Config c = Gemma3Config.from(file);
        List<TensorSpec> specs = file.tensors().stream().filter(t -> !VisionLayout.isVisionTensor(t.name()))
                .map(ModelShape::spec).toList();
        return new ModelShape(c.name(), c, specs, 0);
    }

    /** The shape from a header alone, read before downloading (of a split model: its first part's tensors). */
    public static ModelShape of(GgufHeader header) throws GgufException {
        Gemma3Config c = Gemma3Config.from(header);
        List<TensorSpec> specs = header.tensors().stream().filter(t -> !VisionLayout.isVisionTensor(t.name()))
                .map(ModelShape::spec).toList();
        return new ModelShape(c.name(), c, specs, 0);
    }

    /** This shape with an image encoder of {@code bytes} (its weights and compute buffers). */
    public ModelShape withVision(long bytes) {
        return new ModelShape(name, config, tensors, bytes);
    }

    /**
     * The bytes an image encoder needs when images are used: its weights as stored (F16, Q8_0, ...) and the
     * encoder's compute buffers on {@code threads} workers. {@code mmproj} is an mmproj file or a model file
     * from Ollama's store carrying its own vision tower (of which only the vision tensors count).
     */
    public static long visionBytes(GgufFile mmproj, int threads) throws GgufException {
        long weights = mmproj.tensors().stream().filter(t -> VisionLayout.isVisionTensor(t.name()))
                .map(ModelShape::spec).mapToLong(TensorSpec::bytes).sum();
        VisionConfig vc = VisionLayout.of(mmproj).config(mmproj);
        return weights + SiglipEncoder.bufferBytes(vc, threads);
    }

    private static TensorSpec spec(GgufTensorInfo t) {
        return new TensorSpec(t.name(), t.type(), t.elementCount(), t.rank());
    }

    /** Sum of every tensor's bytes: what the engine maps. */
    public long weightBytes() {
        return tensors.stream().mapToLong(TensorSpec::bytes).sum();
    }

    /** Bytes of the tensors of one layer (blk.N.*). */
    public long layerBytes(int layer) {
        return tensors.stream().filter(t -> t.layer() == layer).mapToLong(TensorSpec::bytes).sum();
    }

    /** Elements of the matrices (rank 2 and up) by type: what decides the model's precision. */
    public Map<GgmlType, Long> matrixElementsByType() {
        Map<GgmlType, Long> m = new EnumMap<>(GgmlType.class);
        for (TensorSpec t : tensors) {
            if (t.rank() >= 2) {
                m.merge(t.type(), t.elements(), Long::sum);
            }
        }
        return m;
    }
}
