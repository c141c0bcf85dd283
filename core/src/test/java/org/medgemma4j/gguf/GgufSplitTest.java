package org.medgemma4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model split into parts the way llama.cpp's gguf-split writes them opens as one file from any part. */
class GgufSplitTest {

    @TempDir
    Path dir;

    /** Part 1 holds the metadata; every part has split.no (u16), split.count (u16), split.tensors.count (i32). */
    private void writeParts(String prefix) throws IOException {
        int[][] tensorsOfPart = {{0, 2}, {2, 3}, {3, 4}};
        for (int p = 0; p < 3; p++) {
            GgufWriter w = p == 0 ? GgufTestFiles.metadata() : new GgufWriter();
            w.put("split.no", GgufValueType.UINT16, (long) p)
                    .put("split.count", GgufValueType.UINT16, 3L)
                    .putInt32("split.tensors.count", GgufTestFiles.TENSORS.length);
            GgufTestFiles.tensors(w, tensorsOfPart[p][0], tensorsOfPart[p][1])
                    .write(dir.resolve(String.format("%s-%05d-of-00003.gguf", prefix, p + 1)));
        }
    }

    @Test
    void opensFromAnyPartWithTheTensorsOfAllParts() throws Exception {
        writeParts("model");
        Path single = dir.resolve("single.gguf");
        GgufTestFiles.writeValid(single);
        try (GgufFile whole = GgufFile.open(single)) {
            for (int p = 1; p <= 3; p++) {
                try (GgufFile g = GgufFile.open(dir.resolve("model-0000" + p + "-of-00003.gguf"))) {
                    assertThat(g.partPaths()).hasSize(3);
                    assertThat(g.metadata().getString("general.architecture")).isEqualTo("test");
                    assertThat(g.metadata().getInt("split.tensors.count")).isEqualTo(4);
                    assertThat(g.tensors()).extracting(GgufTensorInfo::name).containsExactly(GgufTestFiles.TENSORS);
                    assertThat(g.tensors()).extracting(GgufTensorInfo::part).containsExactly(0, 0, 1, 2);
                    for (GgufTensorInfo t : g.tensors()) {
                        GgufTensorInfo w = whole.requireTensor(t.name());
                        assertThat(t.type()).isEqualTo(w.type());
                        assertThat(t.dims()).isEqualTo(w.dims());
                        assertThat(g.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                .isEqualTo(whole.data(w).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                    }
                    assertThat(g.fileBytes()).isEqualTo(
                            Files.size(g.partPaths().get(0)) + Files.size(g.partPaths().get(1)) + Files.size(g.partPaths().get(2)));
                }
            }
        }
    }

    @Test
    void aMissingPartIsAClearError() throws Exception {
        writeParts("model");
        Files.delete(dir.resolve("model-00002-of-00003.gguf"));
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("model-00001-of-00003.gguf")))
                .isInstanceOf(GgufException.class)
                .hasMessageContaining("model-00001-of-00003.gguf")
                .hasMessageContaining("part 2 of 3 is missing (model-00002-of-00003.gguf)");
    }

    @Test
    void partsThatDisagreeAboutTheSplitAreAnError() throws Exception {
        writeParts("model");
        Files.copy(dir.resolve("model-00003-of-00003.gguf"), dir.resolve("model-00002-of-00003.gguf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("model-00001-of-00003.gguf")))
                .isInstanceOf(GgufException.class)
                .hasMessageContaining("model-00002-of-00003.gguf: split.no is 2");
    }
}
