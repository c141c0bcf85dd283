package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.GgufReference;

/** inspect on a Q4_K_M file made by llama.cpp's quantizer lists the tensors exactly as ggml reads them. */
class InspectQuantizedFixtureTest {

    @Test
    void sameTensorsTypesAndShapesAsGgml() throws Exception {
        Path file = FixtureModels.quantized(FixtureModels.TINY, "Q4_K_M"); // cached after the first run
        CliRun run = CliRun.of("inspect", "--json", file.toString());
        assertThat(run.err()).isEmpty();
        JsonNode tensors = new ObjectMapper().readTree(run.out()).get("tensors");

        GgufReference.File ref = GgufReference.read(file);
        assertThat(ref).as("ggml refused " + file).isNotNull();
        assertThat(tensors).hasSize(ref.tensors().size());
        for (int i = 0; i < ref.tensors().size(); i++) {
            GgufReference.Tensor r = ref.tensors().get(i);
            JsonNode t = tensors.get(i);
            assertThat(t.get("name").asText()).isEqualTo(r.name());
            assertThat(t.get("type").asText()).as(r.name()).isEqualTo(GgmlType.byId(r.typeId()).ggmlName());
            assertThat(padded(t.get("shape"))).as(r.name()).containsExactly(r.ne());
            assertThat(t.get("bytes").asLong()).as(r.name()).isEqualTo(r.bytes());
        }
        List<String> types = new ArrayList<>();
        tensors.forEach(t -> types.add(t.get("type").asText()));
        assertThat(types).as("a Q4_K_M mix").contains("q4_K", "q6_K", "f32");
    }

    /** A shape with ggml's trailing 1s up to four dimensions. */
    private static long[] padded(JsonNode shape) {
        long[] ne = {1, 1, 1, 1};
        for (int d = 0; d < shape.size(); d++) {
            ne[d] = shape.get(d).asLong();
        }
        return ne;
    }
}
