package org.medgemma4j.evaluation.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medgemma4j.evaluation.ItemResult;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;

class DriftPartsTest {

    @Test
    void drugNamesAreWholeWordsLongestFirst() {
        DrugNames d = new DrugNames(Set.of("insulin", "insulin glargine", "warfarin"));
        String text = "Start insulin glargine; stop warfarin. Insulinoma is not a drug; WARFARIN again.";
        List<DrugNames.Span> spans = d.find(text);
        assertThat(spans.stream().map(s -> text.substring(s.start(), s.end())))
                .containsExactly("insulin glargine", "warfarin", "WARFARIN");
    }

    @Test
    void theDrugBankVocabularyLoads() throws IOException {
        DrugNames d = DrugNames.load(TestData.file(DataSet.DRUGS, "drugbank-open-vocabulary.csv"));
        assertThat(d.size()).isGreaterThan(16_000);
        String text = "Patients on metformin and Lepirudin, or acetylsalicylic acid.";
        assertThat(d.find(text).stream().map(s -> text.substring(s.start(), s.end())))
                .contains("metformin", "Lepirudin", "acetylsalicylic acid");
    }

    @Test
    void klDivergenceOfKnownDistributions() {
        // base p = softmax(0, ln 3) = (1/4, 3/4); quant q = (1/2, 1/2): KL = 1/4 ln(1/2) + 3/4 ln(3/2)
        DriftAccumulator acc = new DriftAccumulator();
        acc.add(new float[] {0f, (float) Math.log(3)}, new float[] {1f, 1f}, 1);
        DriftStats s = acc.stats();
        assertThat(s.kldMean()).isCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), within(1e-6));
        assertThat(s.sameTop1()).isEqualTo(0.0); // argmax 1 vs 0 (a tie keeps the first)
        assertThat(s.pplBase()).isCloseTo(4.0 / 3, within(1e-5));
        assertThat(s.pplQuant()).isCloseTo(2.0, within(1e-5));
        assertThat(s.deltaPMean()).isCloseTo(0.5 - 0.75, within(1e-6));
    }

    @Test
    void answerFlipsCountItemByItem() {
        Map<String, ItemResult> a = new LinkedHashMap<>();
        Map<String, ItemResult> b = new LinkedHashMap<>();
        put(a, "1", "A", "A");
        put(b, "1", "B", "A"); // right -> wrong
        put(a, "2", "C", "A");
        put(b, "2", "A", "A"); // wrong -> right
        put(a, "3", "B", "A");
        put(b, "3", null, "A"); // wrong -> unparsed: changed, no flip
        put(a, "4", "D", "D");
        put(b, "4", "D", "D");
        put(a, "5", "D", "D"); // only in a
        AnswerFlips f = AnswerFlips.compare(a, b);
        assertThat(f.common()).isEqualTo(4);
        assertThat(f.sameChoice()).isEqualTo(1);
        assertThat(f.changed()).isEqualTo(3);
        assertThat(f.rightToWrong()).isEqualTo(1);
        assertThat(f.wrongToRight()).isEqualTo(1);
        assertThat(f.onlyInBase()).isEqualTo(1);
        assertThat(f.flippedIds()).containsExactly("1", "2");
        assertThat(f.mcnemarP()).isEqualTo(1.0);
        put(b, "4", "D", "A");
        assertThatThrownBy(() -> AnswerFlips.compare(a, b)).hasMessageContaining("different correct answers");
    }

    private static void put(Map<String, ItemResult> m, String id, String choice, String answer) {
        m.put(id, new ItemResult(id, null, "p", "r", choice, answer, answer.equals(choice)));
    }
}
