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

    /** The shape of an opened GGUF file (any part of a split model opens the whole model). */
    public static ModelShape of(GgufFile file) throws GgufException {
        Gemma3Config c = Gemma3Config.from(file);
        List<TensorSpec> specs = file.tensors().stream().map(ModelShape::spec).toList();
        return new ModelShape(c.name(), c, specs, 0);
    }

    /** The shape from a header alone, read before downloading (of a split model: its first part's tensors). */
    public static ModelShape of(GgufHeader header) throws GgufException {
        Gemma3Config c = Gemma3Config.from(header);
        List<TensorSpec> specs = header.tensors().stream().map(ModelShape::spec).toList();
        return new ModelShape(c.name(), c, specs, 0);
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
