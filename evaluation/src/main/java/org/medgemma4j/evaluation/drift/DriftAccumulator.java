package org.medgemma4j.evaluation.drift;

import java.util.Arrays;

/**
 * Collects, position by position, what llama-perplexity's {@code --kl-divergence} collects
 * (tools/perplexity/perplexity.cpp, {@code log_softmax} with {@code kl_divergence_result}): each model's
 * negative log-likelihood of the next token, the KL divergence of the quantized model's distribution from the
 * base model's, whether both rank the same token first, and the change in the next token's probability.
 * As there, base log-probabilities below -16 add nothing to the KLD. Unlike there, the base log-probabilities
 * are exact (llama.cpp stores them as 16-bit steps in its file; here both models run side by side).
 */
public final class DriftAccumulator {

    private static final double SKIP_BELOW = -16.0;

    private double sumNll;
    private double sumNll2;
    private double sumNllBase;
    private double sumNllBase2;
    private double sumNllNllBase;
    private double sumKld;
    private double sumKld2;
    private double sumPDiff;
    private double sumPDiff2;
    private double sumPDiff4;
    private long sameTop;
    private int count;
    private float[] kldValues = new float[256];
    private float[] pDiffValues = new float[256];

    // per-row scratch: the base row's log-probabilities
    private double[] baseLogProb = new double[0];

    /** Adds one position: the two models' logits there and the token that follows. */
    public void add(float[] base, float[] quant, int nextToken) {
        int n = base.length;
        if (quant.length != n) {
            throw new IllegalArgumentException("the models' vocabularies differ: " + n + " vs " + quant.length + " logits");
        }
        if (baseLogProb.length != n) {
            baseLogProb = new double[n];
        }
        int topBase = 0;
        double maxBase = base[0];
        int topQuant = 0;
        double maxQuant = quant[0];
        for (int i = 1; i < n; i++) {
            if (base[i] > maxBase) {
                maxBase = base[i];
                topBase = i;
            }
            if (quant[i] > maxQuant) {
                maxQuant = quant[i];
                topQuant = i;
            }
        }
        double sumBase = 0;
        double sumQuant = 0;
        for (int i = 0; i < n; i++) {
            sumBase += Math.exp(base[i] - maxBase);
            sumQuant += Math.exp(quant[i] - maxQuant);
        }
        double normBase = maxBase + Math.log(sumBase);
        double normQuant = maxQuant + Math.log(sumQuant);
        double kld = 0;
        for (int i = 0; i < n; i++) {
            double lb = base[i] - normBase;
            if (lb > SKIP_BELOW) {
                kld += Math.exp(lb) * (lb - (quant[i] - normQuant));
            }
        }
        double nll = normQuant - quant[nextToken];
        double nllBase = normBase - base[nextToken];
        double pDiff = Math.exp(-nll) - Math.exp(-nllBase);
        sumNll += nll;
        sumNll2 += nll * nll;
        sumNllBase += nllBase;
        sumNllBase2 += nllBase * nllBase;
        sumNllNllBase += nll * nllBase;
        sumKld += kld;
        sumKld2 += kld * kld;
        sumPDiff += pDiff;
        sumPDiff2 += pDiff * pDiff;
        sumPDiff4 += pDiff * pDiff * pDiff * pDiff;
        sameTop += topBase == topQuant ? 1 : 0;
        if (count == kldValues.length) {
            kldValues = Arrays.copyOf(kldValues, 2 * count);
            pDiffValues = Arrays.copyOf(pDiffValues, 2 * count);
        }
        kldValues[count] = (float) kld;
        pDiffValues[count] = (float) pDiff;
        count++;
    }

    public int count() {
        return count;
    }

    /** The statistics so far (percentiles as llama.cpp interpolates them). */
    public DriftStats stats() {
        float[] kld = Arrays.copyOf(kldValues, count);
        float[] dp = Arrays.copyOf(pDiffValues, count);
        Arrays.sort(kld);
        Arrays.sort(dp);
        double[] logPpl = meanAndUncertainty(sumNll, sumNll2, count);
        double[] logPplBase = meanAndUncertainty(sumNllBase, sumNllBase2, count);
        double cov = count < 10 ? 0 : (sumNllNllBase / count - (sumNll / count) * (sumNllBase / count)) / (count - 1);
        double lnRatioUnc = Math.sqrt(Math.max(0, logPpl[1] * logPpl[1] + logPplBase[1] * logPplBase[1] - 2 * cov));
        double[] kl = meanAndUncertainty(sumKld, sumKld2, count);
        double[] pd = meanAndUncertainty(sumPDiff, sumPDiff2, count);
        double[] pMse = meanAndUncertainty(sumPDiff2, sumPDiff4, count);
        double same = count == 0 ? 0 : (double) sameTop / count;
        double sameUnc = count < 2 ? 0 : Math.sqrt(same * (1 - same) / (count - 1));
        return new DriftStats(count,
                Math.exp(logPplBase[0]), Math.exp(logPplBase[0]) * logPplBase[1],
                Math.exp(logPpl[0]), Math.exp(logPpl[0]) * logPpl[1],
                logPpl[0] - logPplBase[0], lnRatioUnc,
                kl[0], kl[1], DriftStats.Percentiles.of(kld),
                same, sameUnc,
                pd[0], pd[1], Math.sqrt(pMse[0]), DriftStats.Percentiles.of(dp));
    }

    /** llama.cpp's mean_and_uncertainty: the mean and its standard error (0 for fewer than 11 values). */
    static double[] meanAndUncertainty(double sum, double sum2, long n) {
        if (n < 1) {
            return new double[] {0, 0};
        }
        double f = sum / n;
        double df = sum2 / n - f * f;
        df = df > 0 && n > 10 ? Math.sqrt(df / (n - 1)) : 0;
        return new double[] {f, df};
    }
}
