package org.medgemma4j.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterTest {

    @Test
    void holdsBackAPossibleStopStringAndCutsBeforeIt() {
        StopStringFilter f = new StopStringFilter(List.of("</answer>", "STOP"));
        StringBuilder out = new StringBuilder();
        out.append(f.accept("The dose is 5 mg</"));
        assertThat(out.toString()).isEqualTo("The dose is 5 mg");
        out.append(f.accept("ans"));
        assertThat(out.toString()).isEqualTo("The dose is 5 mg");
        out.append(f.accept("wer> and more"));
        assertThat(f.stopped()).isTrue();
        assertThat(out.toString()).isEqualTo("The dose is 5 mg");
        assertThat(f.accept("ignored")).isEmpty();
        assertThat(f.text()).isEqualTo("The dose is 5 mg");
    }

    @Test
    void releasesHeldTextThatTurnsOutNotToBeAStop() {
        StopStringFilter f = new StopStringFilter(List.of("STOP"));
        assertThat(f.accept("ST")).isEmpty();
        assertThat(f.accept("ay")).isEqualTo("STay");
        assertThat(f.accept("S")).isEmpty();
        assertThat(f.flush()).isEqualTo("S");
        assertThat(f.text()).isEqualTo("STayS");
        assertThat(f.stopped()).isFalse();
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringFilter f = new StopStringFilter(List.of("b", "a"));
        assertThat(f.accept("xxabxx")).isEqualTo("xx");
    }
}
