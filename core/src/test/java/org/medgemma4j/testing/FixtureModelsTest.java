package org.medgemma4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixtures are trustworthy only if they are well-conditioned: llama.cpp's own F16 file must stay
 * within 0.5% of its F32 file, or tiny numeric differences would decide every comparison.
 */
class FixtureModelsTest {

    static Stream<FixtureModels.Spec> specs() {
        return Stream.of(FixtureModels.TINY, FixtureModels.DEEP, FixtureModels.UNTIED);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void llamaCppsF16FileStaysCloseToItsF32File(FixtureModels.Spec spec) {
        int[] ids = Logits.probeSequence(40);
        Path f32 = FixtureModels.f32(spec);
        Logits exact = Logits.fromOracle(f32, ids, 262144);
        Logits half = Logits.fromOracle(FixtureModels.quantized(spec, "F16"), ids, 262144);
        assertThat(half.relativeRmsError(exact)).isLessThan(0.005);
        assertThat(half.top1Agreement(exact)).isGreaterThanOrEqualTo(0.95);
    }
}
