package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.tensor.KernelChoice;
import org.medgemma4j.tensor.NativeIntegerKernels;
import org.medgemma4j.testing.FixtureModels;

/**
 * Attention over an F16 cache with the native loops gives what the Java loops give, bit for bit: every KV head,
 * windows that start anywhere, scores that rise and fall (the online softmax rescales), and a sliding layer whose
 * ring of rows has wrapped.
 */
class AttentionNativeTest {

    @Test
    void nativeF16LoopsEqualTheJavaOnes() throws Exception {
        assumeTrue(NativeIntegerKernels.load().orElse(null) instanceof NativeIntegerKernels nat && nat.hasF16Attention(),
                "native F16 attention: needs the AVX-512 kernels and 16-lane vectors");
        Gemma3Config c;
        try (GgufFile f = GgufFile.open(FixtureModels.f32(FixtureModels.TINY))) {
            c = Gemma3Config.from(f);
        }
        int hd = c.keyLength();
        int kvHeads = c.headCountKv();
        int rowLength = kvHeads * hd;
        int positions = 96;
        Random r = new Random(11);
        KernelChoice before = KernelChoice.current();
        try (KvCache cache = new KvCache(c, positions, 1, KvCacheType.F16)) {
            KernelChoice.select(KernelChoice.JAVA);
            Attention java = new Attention(KvCacheType.F16, hd);
            KernelChoice.select(KernelChoice.NATIVE);
            Attention nat = new Attention(KvCacheType.F16, hd);
            float[] k = new float[rowLength];
            float[] v = new float[rowLength];
            float[] q = new float[c.headCount() * hd];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) (r.nextGaussian() * 0.3);
            }
            int checked = 0;
            for (int layer = 0; layer < c.blockCount(); layer++) {
                for (int p = 0; p < positions; p++) {
                    for (int i = 0; i < rowLength; i++) {
                        k[i] = (float) (r.nextGaussian() * (1 + p % 7));
                        v[i] = (float) r.nextGaussian();
                    }
                    cache.store(layer, p, k, 0, v, 0, rowLength);
                }
                int capacity = cache.capacity(layer);
                int[][] windows = capacity < positions
                        ? new int[][] {{positions - capacity, positions - 1}, {positions - 3, positions - 1}}
                        : new int[][] {{0, 0}, {0, positions - 1}, {17, 60}, {40, 41}};
                for (int[] w : windows) {
                    for (int h = 0; h < c.headCount(); h++) {
                        int kvh = h / (c.headCount() / kvHeads);
                        float[] want = new float[hd];
                        float[] got = new float[hd];
                        java.attend(cache, layer, q, h * hd, kvh * hd, w[0], w[1], want, 0);
                        nat.attend(cache, layer, q, h * hd, kvh * hd, w[0], w[1], got, 0);
                        assertThat(got).as("layer %d (ring of %d), head %d, positions %d..%d", layer, capacity, h, w[0], w[1])
                                .containsExactly(want);
                        checked++;
                    }
                }
            }
            assertThat(checked).isGreaterThan(0);
        } finally {
            KernelChoice.select(before);
        }
    }
}
