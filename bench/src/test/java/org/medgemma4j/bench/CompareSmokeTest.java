package org.medgemma4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.medgemma4j.perf.SpeedBench;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaOracle;

/**
 * The CI smoke version of bench/compare.sh (seconds, no speed claims): on the tiny fixture both engines'
 * bench measures come out with the fields the script compares, for the same file and threads, and the
 * read-bandwidth probe runs. The script itself is run on demand (`bench/compare.sh --smoke` for its
 * plumbing, without options for the real 4B-shaped comparison).
 */
class CompareSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bothEnginesBenchTheSameFile() throws Exception {
        Path file = FixtureModels.quantized(FixtureModels.TINY, "Q4_K_M");
        SpeedBench.Result ours = SpeedBench.run(file, 2, 16, 4, 1, true, null);
        JsonNode o = JSON.readTree(ours.toJson());
        JsonNode l = JSON.readTree(LlamaOracle.bench(file, 16, 4, 2, 1, true).toJson());
        for (JsonNode j : new JsonNode[] {o, l}) {
            assertThat(j.get("threads").asInt()).isEqualTo(2);
            assertThat(j.get("prefill_tok_s").asDouble()).isPositive();
            assertThat(j.get("decode_tok_s").asDouble()).isPositive();
            // both warm up as llama-bench does, and report the untimed run's prefill
            assertThat(j.get("warmup").asBoolean()).isTrue();
            assertThat(j.get("warmup_prefill_tok_s").asDouble()).isPositive();
        }
        JsonNode cold = JSON.readTree(SpeedBench.run(file, 2, 16, 4, 1, false, null).toJson());
        assertThat(cold.get("warmup").asBoolean()).isFalse();
        JsonNode coldOracle = JSON.readTree(LlamaOracle.bench(file, 16, 4, 2, 1, false).toJson());
        assertThat(coldOracle.get("warmup").asBoolean()).isFalse();
        // the same bytes of weights: both count the tensors of the file
        assertThat(o.get("model_bytes").asLong()).isEqualTo(l.get("model_bytes").asLong());
    }

    @Test
    void bandwidthProbeRuns() throws Exception {
        JsonNode b = JSON.readTree(ReadBandwidth.measure(2, 64L << 20, 0.2));
        assertThat(b.get("gb_s").asDouble()).isPositive();
    }
}
