package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.medgemma4j.testing.FixtureModels;

class StoreCommandsTest {

    @Test
    void fitPrintsOurFiguresBesideThePagesForMedGemma27bAt8K() {
        CliRun r = CliRun.of("fit", "medgemma-27b", "--ctx", "8192", "--gpu", "rtx 4090");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("medgemma-27b:q4_k_m at 8192 tokens").contains("16.54 GB").contains("1.32 GB")
                .contains("KV cache at 8K: ~6 GB").contains("verdict: fits").contains("tok/s").contains("estimate");
    }

    @Test
    void fitOfALowBitModelWarnsAndJsonWorks() {
        CliRun r = CliRun.of("fit", "medgemma-27b:q2_k", "--vram", "12", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"verdict\"").contains("\"warning\" : \"WARNING: main weights are q2_K");
    }

    @Test
    void fitOfAGgufFileReadsItsHeader() {
        CliRun r = CliRun.of("fit", FixtureModels.f32(FixtureModels.TINY).toString(), "--ctx", "512", "--gpu", "l4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("at 512 tokens").contains("verdict: fits");
    }

    @Test
    void badInputIsOneClearLine() {
        assertThat(CliRun.of("fit", "medgemma-27b", "--gpu", "voodoo").err()).startsWith("medgemma: unknown GPU 'voodoo'");
        assertThat(CliRun.of("fit", "medgemma-27b:q9").err()).contains("unknown quantization 'q9'");
        assertThat(CliRun.of("fit", "medgemma-27b", "--kv", "q4").err()).contains("unknown KV cache type 'q4'");
        assertThat(CliRun.of("fit", "nosuchmodel-xyz").err()).startsWith("medgemma: unknown model 'nosuchmodel-xyz'");
        assertThat(CliRun.of("pull", "nosuchmodel-xyz").exitCode()).isEqualTo(1);
    }
}
