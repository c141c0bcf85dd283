package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;

/** The selectable KV cache types give the F16 default's logits up to their own rounding, and cost what they should. */
class KvCacheTypesTest {

    @Test
    void f32AndQ8_0CachesStayCloseToTheF16Default() throws Exception {
        int[] ids = Logits.probeSequence(40);
        try (WorkerPool pool = new WorkerPool(2); Gemma3Model model = Gemma3Model.load(FixtureModels.f32(FixtureModels.TINY))) {
            Logits f16 = run(model, pool, KvCacheType.F16, ids);
            Logits f32 = run(model, pool, KvCacheType.F32, ids);
            Logits q8 = run(model, pool, KvCacheType.Q8_0, ids);
            // f16 keys and values are good to ~3 decimal digits, 8-bit blocks to ~2
            assertThat(f32.relativeRmsError(f16)).isLessThan(0.005);
            assertThat(q8.relativeRmsError(f16)).isLessThan(0.03);
            assertThat(f32.top1Agreement(f16)).isGreaterThan(0.95);
            assertThat(q8.top1Agreement(f16)).isGreaterThan(0.9);
        }
    }

    private static Logits run(Gemma3Model model, WorkerPool pool, KvCacheType type, int[] ids) {
        Gemma3Inference inf = new Gemma3Inference(model, type, pool, 16);
        float[][] rows = new float[ids.length][model.config().vocabSize()];
        try (KvCache cache = inf.newCache(64)) {
            for (int p = 0; p < ids.length; p += 16) {
                int n = Math.min(16, ids.length - p);
                inf.forward(cache, ids, p, n, p, null, java.util.Arrays.copyOfRange(rows, p, p + n));
            }
        }
        return new Logits(rows);
    }

    @Test
    void slidingLayersHoldOnlyTheirWindowAndCacheSizesAreExact() throws Exception {
        try (Gemma3Model model = Gemma3Model.load(FixtureModels.f32(FixtureModels.TINY))) {
            Gemma3Config c = model.config(); // 6 layers: 5 sliding (window 16), 1 global; 2 KV heads x 64
            try (KvCache cache = new KvCache(c, 1024, 8, KvCacheType.F16)) {
                long row = 2L * 64 * 2; // kv heads x head dim x f16
                long expected = 2 * row * (5L * (16 + 8 - 1) + 1024);
                assertThat(cache.byteSize()).isEqualTo(expected).isEqualTo(KvCache.bytesFor(c, 1024, 8, KvCacheType.F16));
                assertThat(cache.capacity(0)).isEqualTo(23);
                assertThat(cache.capacity(5)).isEqualTo(1024);
            }
            try (KvCache q8 = new KvCache(c, 1024, 8, KvCacheType.Q8_0)) {
                assertThat(q8.byteSize()).isEqualTo(KvCache.bytesFor(c, 1024, 8, KvCacheType.F16) * 34 / 64);
            }
            assertThatThrownBy(() -> KvCacheType.parse("q4")).hasMessageContaining("f16, f32 or q8_0");
        }
    }
}
