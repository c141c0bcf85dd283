package org.medgemma4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] randomLogits(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    private static int[] draw(SamplingParams p, float[] logits, int count) {
        Sampler s = new Sampler(p);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = s.sample(logits.clone(), new int[0], 0);
        }
        return out;
    }

    @Test
    void greedyAndTopKOneAreTheArgmax() {
        float[] logits = randomLogits(1, 262144);
        int best = Sampler.argmax(logits);
        assertThat(draw(SamplingParams.greedy(), logits, 3)).containsOnly(best);
        assertThat(draw(SamplingParams.defaults(7).withTopK(1), logits, 20)).containsOnly(best);
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        float[] logits = randomLogits(2, 50000);
        SamplingParams p = SamplingParams.defaults(42).withTemperature(1.5f).withTopK(0).withTopP(1f);
        assertThat(draw(p, logits, 200)).containsExactly(draw(p, logits, 200));
        assertThat(draw(p, logits, 200)).isNotEqualTo(draw(p.withSeed(43), logits, 200));
    }

    @Test
    void drawsFollowTheSoftmaxAtTheTemperature() {
        float[] logits = {0f, (float) Math.log(2), -100f};
        int[] counts = new int[3];
        for (int t : draw(new SamplingParams(1f, 0, 1f, 0f, 1f, 0, 5), logits, 30000)) {
            counts[t]++;
        }
        assertThat(counts[1] / 30000.0).isCloseTo(2 / 3.0, offset(0.015));
        assertThat(counts[2]).isZero();
        // temperature 0.5 squares the odds: 4:1
        counts = new int[3];
        for (int t : draw(new SamplingParams(0.5f, 0, 1f, 0f, 1f, 0, 5), logits, 30000)) {
            counts[t]++;
        }
        assertThat(counts[1] / 30000.0).isCloseTo(0.8, offset(0.015));
    }

    @Test
    void topKTopPAndMinPLimitTheCandidates() {
        float[] logits = {5f, 4f, 3f, 2f, 1f, 0f};
        assertThat(draw(SamplingParams.defaults(1).withTopK(2).withTopP(1f).withTemperature(5f), logits, 2000))
                .containsOnly(0, 1);
        // p(0) = 0.636, p(0)+p(1) = 0.87: top_p 0.8 keeps two
        assertThat(draw(SamplingParams.defaults(1).withTopK(0).withTopP(0.8f).withTemperature(5f), logits, 2000))
                .containsOnly(0, 1);
        // min_p 0.3 keeps tokens with p >= 0.3 p(0): exp(-1) = 0.37 passes, exp(-2) = 0.135 does not
        assertThat(draw(SamplingParams.defaults(1).withTopK(0).withTopP(1f).withMinP(0.3f).withTemperature(5f), logits, 2000))
                .containsOnly(0, 1);
    }

    @Test
    void repeatPenaltyDemotesRecentTokens() {
        float[] logits = {2f, 1.9f, -1f};
        Sampler s = new Sampler(SamplingParams.greedy().withRepeatPenalty(1.5f, 2));
        assertThat(s.sample(logits.clone(), new int[] {0}, 1)).isEqualTo(1);
        // a token outside the last N is not penalised
        assertThat(s.sample(logits.clone(), new int[] {0, 2, 2}, 3)).isEqualTo(0);
        float[] l = logits.clone();
        s.sample(l, new int[] {2}, 1);
        assertThat(l[2]).isEqualTo(-1.5f);
    }

    @Test
    void invalidParametersAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new SamplingParams(-1f, 64, 0.95f, 0f, 1f, 64, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParams.defaults(0).withTopP(0f)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> SamplingParams.defaults(0).withTopK(-3)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> SamplingParams.defaults(0).withMinP(2f)).hasMessageContaining("min_p");
        assertThatThrownBy(() -> SamplingParams.defaults(0).withRepeatPenalty(0f, 64)).hasMessageContaining("repeat_penalty");
    }
}
