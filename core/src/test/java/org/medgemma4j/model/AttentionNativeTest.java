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
 * windows that start anywhere (the score loop's blocks of four keys and the keys left over), scores that rise and
 * fall (the online softmax rescales), a sliding layer whose ring of rows has wrapped, and head sizes 64, 128, 256,
 * 192 and 320.
 */
class AttentionNativeTest {

    @Test
    void nativeF16LoopsEqualTheJavaOnes() throws Exception {
        assumeTrue(NativeIntegerKernels.load().orElse(null) instanceof NativeIntegerKernels nat && nat.hasF16Attention(),
                "native F16 attention: needs the AVX-512 kernels and 16-lane vectors");
        try (GgufFile f = GgufFile.open(FixtureModels.f32(FixtureModels.TINY))) {
            check(Gemma3Config.from(f));
        }
        // MedGemma's head sizes (4B: 256, 27B: 128), whose value sums the native loops keep in registers, and two
        // others, which they take in slices of 256 values, then of 16 (192: twelve of 16; 320: 256, then four of 16)
        for (int hd : new int[] {128, 256, 192, 320}) {
            check(new Gemma3Config("heads-" + hd, 256, 1024, 512, 1024, 2, 4, 2, hd, hd, 1e-6f, 32, 2, 1e6f, 1e4f, 1f,
                    (float) (1 / Math.sqrt(hd))));
        }
    }

    private static void check(Gemma3Config c) {
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
                        : new int[][] {{0, 0}, {0, positions - 1}, {17, 60}, {40, 41}, {5, 63}};  // 59: blocks of 4 keys and a tail
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
