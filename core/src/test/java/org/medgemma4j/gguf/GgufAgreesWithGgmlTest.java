package org.medgemma4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.GgufReference;

/** The Java reader sees the same tensors, types, shapes and offsets as ggml's gguf_init_from_file. */
class GgufAgreesWithGgmlTest {

    @TempDir
    Path dir;

    @Test
    void sameHeaderAsGgml() throws Exception {
        Path file = dir.resolve("valid.gguf");
        GgufTestFiles.writeValid(file);
        GgufReference.File ref = GgufReference.read(file);
        assertThat(ref).as("ggml refused the file").isNotNull();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(ref.version());
            assertThat(g.alignment()).isEqualTo(ref.alignment());
            assertThat(g.tensors()).hasSameSizeAs(ref.tensors());
            for (int i = 0; i < ref.tensors().size(); i++) {
                GgufReference.Tensor r = ref.tensors().get(i);
                GgufTensorInfo t = g.tensors().get(i);
                assertThat(t.name()).isEqualTo(r.name());
                assertThat(t.type().id).isEqualTo(r.typeId());
                assertThat(new long[] {t.dim(0), t.dim(1), t.dim(2), t.dim(3)}).isEqualTo(r.ne());
                assertThat(t.byteSize()).isEqualTo(r.bytes());
                assertThat(t.dataOffset()).isEqualTo(ref.dataOffset() + r.offset());
            }
        }
    }

    @Test
    void ggmlRefusesWhatWeRefuse() throws Exception {
        Path file = dir.resolve("cut.gguf");
        GgufTestFiles.tensors(GgufTestFiles.metadata(), 0, 4).write(file);
        byte[] b = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.write(file, java.util.Arrays.copyOf(b, 200));
        assertThat(GgufReference.read(file)).isNull();
    }
}
