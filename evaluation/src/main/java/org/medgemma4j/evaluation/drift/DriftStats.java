package org.medgemma4j.evaluation.drift;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What llama-perplexity --kl-divergence prints, for one set of positions.
 *
 * @param positions   how many next-token predictions were compared
 * @param lnPplRatio  mean ln(PPL(quant)/PPL(base))
 * @param kldMean     mean KL divergence of the quantized model's next-token distribution from the base's (nats)
 * @param sameTop1    fraction of positions where both models rank the same token first ("same top p")
 * @param deltaPMean  mean change in the probability of the actual next token (quant - base)
 * @param deltaPRms   root mean square of that change
 */
public record DriftStats(int positions, double pplBase, double pplBaseUnc, double pplQuant, double pplQuantUnc,
                         double lnPplRatio, double lnPplRatioUnc, double kldMean, double kldUnc, Percentiles kld,
                         double sameTop1, double sameTop1Unc, double deltaPMean, double deltaPUnc, double deltaPRms,
                         Percentiles deltaP) {

    /** The distribution of a per-position value: minimum, the percentiles llama.cpp prints, maximum. */
    public record Percentiles(double min, double p0_1, double p1, double p5, double p10, double p25, double median,
                              double p75, double p90, double p95, double p99, double p99_9, double max) {

        /** From sorted values, interpolated as llama.cpp's {@code percentile} lambda does. */
        static Percentiles of(float[] sorted) {
            if (sorted.length == 0) {
                return new Percentiles(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            int n = sorted.length;
            double median = n % 2 == 0 ? 0.5 * (sorted[n / 2] + sorted[n / 2 - 1]) : sorted[n / 2];
            return new Percentiles(sorted[0], at(sorted, 0.001), at(sorted, 0.01), at(sorted, 0.05), at(sorted, 0.10),
                    at(sorted, 0.25), median, at(sorted, 0.75), at(sorted, 0.90), at(sorted, 0.95), at(sorted, 0.99),
                    at(sorted, 0.999), sorted[n - 1]);
        }

        private static double at(float[] v, double fraction) {
            double p = fraction * (v.length - 1);
            int ip = (int) p;
            p -= ip;
            return (1 - p) * v[ip] + p * v[Math.min(ip + 1, v.length - 1)];
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("min", min);
            m.put("p0.1", p0_1);
            m.put("p1", p1);
            m.put("p5", p5);
            m.put("p10", p10);
            m.put("p25", p25);
            m.put("median", median);
            m.put("p75", p75);
            m.put("p90", p90);
            m.put("p95", p95);
            m.put("p99", p99);
            m.put("p99.9", p99_9);
            m.put("max", max);
            return m;
        }
    }

    /** {@code kld_mean}, {@code same_top1}, {@code ppl_base}, {@code ppl_quant} and the rest, snake_case. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("positions", positions);
        m.put("kld_mean", kldMean);
        m.put("kld_unc", kldUnc);
        m.put("same_top1", sameTop1);
        m.put("same_top1_unc", sameTop1Unc);
        m.put("ppl_base", pplBase);
        m.put("ppl_base_unc", pplBaseUnc);
        m.put("ppl_quant", pplQuant);
        m.put("ppl_quant_unc", pplQuantUnc);
        m.put("ln_ppl_ratio", lnPplRatio);
        m.put("ln_ppl_ratio_unc", lnPplRatioUnc);
        m.put("kld", kld.toJson());
        m.put("delta_p_mean", deltaPMean);
        m.put("delta_p_unc", deltaPUnc);
        m.put("delta_p_rms", deltaPRms);
        m.put("delta_p", deltaP.toJson());
        return m;
    }

    /** The report in llama-perplexity's layout. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "positions compared          : %d%n", positions));
        sb.append(String.format(Locale.ROOT, "PPL(quant)                  : %10.4f ± %.4f%n", pplQuant, pplQuantUnc));
        sb.append(String.format(Locale.ROOT, "PPL(base)                   : %10.4f ± %.4f%n", pplBase, pplBaseUnc));
        sb.append(String.format(Locale.ROOT, "ln(PPL(quant)/PPL(base))    : %10.6f ± %.6f%n", lnPplRatio, lnPplRatioUnc));
        sb.append(String.format(Locale.ROOT, "Mean    KLD: %10.6f ± %.6f%n", kldMean, kldUnc));
        sb.append(String.format(Locale.ROOT, "Maximum KLD: %10.6f%n99.9%%   KLD: %10.6f%n99.0%%   KLD: %10.6f%n"
                        + "95.0%%   KLD: %10.6f%nMedian  KLD: %10.6f%n 1.0%%   KLD: %10.6f%nMinimum KLD: %10.6f%n",
                kld.max, kld.p99_9, kld.p99, kld.p95, kld.median, kld.p1, kld.min));
        sb.append(String.format(Locale.ROOT, "Mean    Δp: %7.3f ± %.3f %%%n", 100 * deltaPMean, 100 * deltaPUnc));
        sb.append(String.format(Locale.ROOT, "Maximum Δp: %7.3f%%%n99.0%%   Δp: %7.3f%%%nMedian  Δp: %7.3f%%%n"
                        + " 1.0%%   Δp: %7.3f%%%nMinimum Δp: %7.3f%%%n",
                100 * deltaP.max, 100 * deltaP.p99, 100 * deltaP.median, 100 * deltaP.p1, 100 * deltaP.min));
        sb.append(String.format(Locale.ROOT, "RMS Δp    : %7.3f %%%n", 100 * deltaPRms));
        sb.append(String.format(Locale.ROOT, "Same top p: %7.3f ± %.3f %%%n", 100 * sameTop1, 100 * sameTop1Unc));
        return sb.toString();
    }
}
