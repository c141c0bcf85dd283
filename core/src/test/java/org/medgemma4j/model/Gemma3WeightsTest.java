package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.gguf.GgufWriter;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.testing.FixtureModels;

/** A Gemma 3 file with a tensor missing or misshapen is refused with the tensor's name, never half-loaded. */
class Gemma3WeightsTest {

    @TempDir
    Path dir;

    /** Copies the tiny Q4_K_M fixture, dropping one tensor or replacing it with a small F32 one of another shape. */
    private Path copyWithout(String dropped, long[] replacementShape) throws Exception {
        Path out = dir.resolve("broken.gguf");
        try (GgufFile src = GgufFile.open(FixtureModels.quantized(FixtureModels.TINY, "Q4_K_M"))) {
            GgufWriter w = new GgufWriter();
            src.metadata().asMap().forEach((k, v) -> w.put(k, src.metadata().type(k), v));
            for (GgufTensorInfo t : src.tensors()) {
                if (!t.name().equals(dropped)) {
                    w.addTensor(t.name(), t.type(), t.dims(), src.data(t));
                } else if (replacementShape != null) {
                    long n = 1;
                    for (long d : replacementShape) {
                        n *= d;
                    }
                    w.addTensor(t.name(), GgmlType.F32, replacementShape,
                            java.lang.foreign.MemorySegment.ofArray(new float[(int) n]));
                }
            }
            w.write(out);
        }
        return out;
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        Path broken = copyWithout("blk.3.ffn_up.weight", null);
        assertThatThrownBy(() -> Gemma3Model.load(broken)).isInstanceOf(GgufException.class)
                .hasMessageContaining("broken.gguf").hasMessageContaining("blk.3.ffn_up.weight").hasMessageContaining("missing");
    }

    @Test
    void aWrongShapeIsNamedWithTheExpectedShape() throws Exception {
        Path broken = copyWithout("blk.1.attn_q_norm.weight", new long[] {32});
        assertThatThrownBy(() -> Gemma3Model.load(broken)).isInstanceOf(GgufException.class)
                .hasMessageContaining("blk.1.attn_q_norm.weight").hasMessageContaining("[32]").hasMessageContaining("expected [64]");
    }
}
