package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** /metrics with several models loaded: totals over them, each model's own gauges labelled, unloaded ones gone. */
class MetricsTest {

    @Test
    void gaugesAreTotalledAndLabelledPerModel() {
        Metrics m = new Metrics();
        Metrics.ModelGauges a = m.gauges("medgemma-4b:q4");
        Metrics.ModelGauges b = m.gauges("odd \"name\"\\x");
        a.load(3, 2);
        a.decodeRate(20.5);
        b.load(1, 0);
        b.decodeRate(4.5);
        String text = m.render();
        assertThat(text).contains("\nmedgemma_active_slots 4\n", "\nmedgemma_queue_depth 2\n",
                "\nmedgemma_decode_tokens_per_second 25.0\n");
        assertThat(text).contains("medgemma_model_active_slots{model=\"medgemma-4b:q4\"} 3\n",
                "medgemma_model_queue_depth{model=\"medgemma-4b:q4\"} 2\n",
                "medgemma_model_decode_tokens_per_second{model=\"medgemma-4b:q4\"} 20.5\n",
                "medgemma_model_active_slots{model=\"odd \\\"name\\\"\\\\x\"} 1\n");

        // a model loaded again under the same name before its earlier load is closed keeps its new gauges
        Metrics.ModelGauges again = m.gauges("medgemma-4b:q4");
        again.load(1, 0);
        m.forget("medgemma-4b:q4", a);
        assertThat(m.render()).contains("medgemma_model_active_slots{model=\"medgemma-4b:q4\"} 1\n");
        m.forget("medgemma-4b:q4", again);
        m.forget("odd \"name\"\\x", b);
        text = m.render();
        assertThat(text).doesNotContain("{model=").contains("\nmedgemma_active_slots 0\n", "\nmedgemma_queue_depth 0\n");
    }
}
