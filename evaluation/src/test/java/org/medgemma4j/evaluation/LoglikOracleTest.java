package org.medgemma4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;

/** Log-likelihood mode chooses what llama.cpp's logits choose on the same prompt tokens. */
class LoglikOracleTest {

    @TempDir
    Path tmp;

    @Test
    void choosesWhatLlamaCppsLogitsChoose() throws IOException {
        Path model = FixtureModels.f32(FixtureModels.TINY);
        List<Item> items = new ArrayList<>();
        Task medqa = Task.parse("medqa");
        Task pubmedqa = Task.parse("pubmedqa");
        items.addAll(TaskReader.read(medqa, SyntheticData.medqa(tmp, 2)));
        List<Item> yesNo = TaskReader.read(pubmedqa, SyntheticData.pubmedqa(tmp, 1));
        try (LoadedModel m = LoadedModel.open(model, 2); Session session = m.newSession(1024, KvCacheType.F16, 64)) {
            int nVocab = m.model().config().vocabSize();
            int agree = 0;
            int compared = 0;
            long ours = 0;
            long theirs = 0;
            StringBuilder log = new StringBuilder();
            for (Item item : concat(items, yesNo)) {
                LoglikAnswerer answerer = new LoglikAnswerer(item.options().isEmpty() ? pubmedqa : medqa, session);
                long t0 = System.nanoTime();
                ItemResult r = answerer.answer(item);
                ours += System.nanoTime() - t0;
                int[] tokens = answerer.promptTokens(item);
                t0 = System.nanoTime();
                float[] last = Logits.fromOracle(model, tokens, nVocab).rows()[tokens.length - 1];
                theirs += System.nanoTime() - t0;
                String best = null;
                float bestLogit = Float.NEGATIVE_INFINITY;
                float second = Float.NEGATIVE_INFINITY;
                for (String c : item.choices()) {
                    float l = last[LoglikAnswerer.answerToken(m.tokenizer(), c)];
                    if (l > bestLogit) {
                        second = bestLogit;
                        bestLogit = l;
                        best = c;
                    } else if (l > second) {
                        second = l;
                    }
                }
                log.append(String.format(Locale.ROOT, "%s: ours %s [%s], llama.cpp %s (margin %.4f)%n", item.id(), r.choice(),
                        r.raw(), best, bestLogit - second));
                compared++;
                agree += best.equals(r.choice()) ? 1 : 0;
            }
            System.out.print(log);
            System.out.printf(Locale.ROOT, "items/s: embedded %.2f, llama.cpp oracle (one token per decode, all rows) %.2f%n",
                    compared / (ours / 1e9), compared / (theirs / 1e9));
            assertThat(agree).as(log.toString()).isEqualTo(compared);
        }
    }

    private static List<Item> concat(List<Item> a, List<Item> b) {
        List<Item> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
