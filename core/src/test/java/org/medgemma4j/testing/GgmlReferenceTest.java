package org.medgemma4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.medgemma4j.tensor.GgmlType;

/** The FFM binding to ggml round-trips values, so format tests compare against the real thing. */
class GgmlReferenceTest {

    @Test
    void q8_0RoundTripThroughGgmlIsClose() {
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        byte[] q = GgmlReference.quantize(GgmlType.Q8_0, x);
        assertThat(q).hasSize(68);
        float[] y = GgmlReference.dequantize(GgmlType.Q8_0, q, x.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(0.01f));
        }
    }
}
