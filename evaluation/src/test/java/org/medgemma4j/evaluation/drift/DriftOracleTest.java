package org.medgemma4j.evaluation.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;

/** drift on an F32/Q3_K_M fixture pair reports the KLD that llama.cpp's own logits of both files give. */
class DriftOracleTest {

    static final String TEXT = "Metformin is the first-line drug for type 2 diabetes; if HbA1c stays high, add sitagliptin "
            + "or empagliflozin. Warfarin interacts with amiodarone and fluconazole, so the INR is checked weekly. "
            + "For community-acquired pneumonia give amoxicillin, or doxycycline when the patient is allergic to penicillin. "
            + "Atorvastatin lowers LDL cholesterol; lisinopril and amlodipine treat hypertension. Ondansetron prevents "
            + "nausea after chemotherapy with cisplatin. Heparin bridges to warfarin after a pulmonary embolism.";

    @Test
    void klDivergenceMatchesLlamaCppsLogitsWithin3Percent() throws Exception {
        Path base = FixtureModels.f32(FixtureModels.TINY);
        Path quant = FixtureModels.quantized(FixtureModels.TINY, "Q3_K_M");
        int ctx = 48;
        int chunks = 2;
        DrugNames drugs = new DrugNames(java.util.Set.of("metformin", "warfarin", "amiodarone", "amoxicillin", "heparin",
                "cisplatin", "atorvastatin", "lisinopril", "amlodipine", "ondansetron", "doxycycline", "penicillin"));
        try (LoadedModel b = LoadedModel.open(base, 2); LoadedModel q = LoadedModel.open(quant, 2);
             Session sb = b.newSession(ctx, KvCacheType.F16, 16); Session sq = q.newSession(ctx, KvCacheType.F16, 16)) {
            int[] tokens = b.tokenizer().encode(TEXT, true, false);
            assertThat(tokens.length).isGreaterThanOrEqualTo(ctx * chunks);
            DriftReport report = DriftReport.measure("f32", sb, "q3", sq, TEXT, ctx, chunks, 16, drugs, c -> { });

            // the same statistic straight from llama.cpp's logits of both files, chunk by chunk
            int nVocab = b.model().config().vocabSize();
            double sumKld = 0;
            double sumNll = 0;
            double sumNllBase = 0;
            int same = 0;
            int n = 0;
            for (int c = 0; c < chunks; c++) {
                int[] chunk = Arrays.copyOfRange(tokens, c * ctx, (c + 1) * ctx);
                chunk[0] = b.tokenizer().vocabulary().bos();
                float[][] lb = Logits.fromOracle(base, chunk, nVocab).rows();
                float[][] lq = Logits.fromOracle(quant, chunk, nVocab).rows();
                for (int p = ctx / 2; p < ctx - 1; p++) {
                    double[] pb = logSoftmax(lb[p]);
                    double[] pq = logSoftmax(lq[p]);
                    double kld = 0;
                    for (int i = 0; i < nVocab; i++) {
                        kld += Math.exp(pb[i]) * (pb[i] - pq[i]);
                    }
                    sumKld += kld;
                    sumNll -= pq[chunk[p + 1]];
                    sumNllBase -= pb[chunk[p + 1]];
                    same += Logits.argmax(lb[p]) == Logits.argmax(lq[p]) ? 1 : 0;
                    n++;
                }
            }
            double kld = sumKld / n;
            System.out.printf(Locale.ROOT, "KLD ours %.6f, llama.cpp %.6f; same top-1 ours %.4f, llama.cpp %.4f; "
                            + "PPL base %.3f/%.3f quant %.3f/%.3f; drug positions %d%n", report.all().kldMean(), kld,
                    report.all().sameTop1(), (double) same / n, report.all().pplBase(), Math.exp(sumNllBase / n),
                    report.all().pplQuant(), Math.exp(sumNll / n), report.drugs().positions());
            assertThat(report.all().positions()).isEqualTo(n);
            assertThat(kld).as("the pair must differ measurably").isGreaterThan(1e-3);
            assertThat(report.all().kldMean()).isCloseTo(kld, within(0.03 * kld));
            assertThat(report.all().pplBase()).isCloseTo(Math.exp(sumNllBase / n), within(0.01 * Math.exp(sumNllBase / n)));
            assertThat(report.all().pplQuant()).isCloseTo(Math.exp(sumNll / n), within(0.01 * Math.exp(sumNll / n)));
            assertThat(report.all().sameTop1()).isCloseTo((double) same / n, within(2.0 / n));
            assertThat(report.drugs().positions()).as("scored positions inside drug names").isBetween(1, n - 1);
        }
    }

    private static double[] logSoftmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        double norm = max + Math.log(sum);
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i] - norm;
        }
        return out;
    }
}
