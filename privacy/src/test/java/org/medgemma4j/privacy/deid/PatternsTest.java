package org.medgemma4j.privacy.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Identifiers with a shape of their own, and look-alikes that must stay. */
class PatternsTest {

    private final Deidentifier deid = new Deidentifier(Lexicon.bundled());

    private List<String> found(String text, PhiCategory category) {
        return deid.find(text).stream().filter(s -> s.category() == category).map(s -> s.text(text)).toList();
    }

    @Test
    void shapedIdentifiers() {
        assertThat(found("mail jane.doe@example.com today", PhiCategory.EMAIL)).containsExactly("jane.doe@example.com");
        assertThat(found("see https://chart.example.org/x?id=3 now", PhiCategory.URL)).containsExactly("https://chart.example.org/x?id=3");
        assertThat(found("from 10.20.30.40 at night", PhiCategory.IP)).containsExactly("10.20.30.40");
        assertThat(found("SSN 123-45-6789", PhiCategory.SSN)).containsExactly("123-45-6789");
        assertThat(found("call (617) 555-0100 or pager #12345", PhiCategory.PHONE)).containsExactly("(617) 555-0100", "12345");
        assertThat(found("MRN: 4429183 admitted", PhiCategory.ID)).containsExactly("4429183");
        assertThat(found("Boston, MA 02115", PhiCategory.ZIP)).containsExactly("02115");
        assertThat(found("lives at 12 Harvard Street with wife", PhiCategory.ADDRESS)).containsExactly("12 Harvard Street");
        assertThat(found("a 94 year old man", PhiCategory.AGE)).containsExactly("94");
    }

    @Test
    void lookAlikesStay() {
        assertThat(deid.find("BP 110/60, pain 5/10, 1/2 NS at 75 cc/hr, 45 yo, K 4.2, 2 units PRBC")).isEmpty();
        assertThat(found("seen 7/22 and 3/4/2019, cabg in '92", PhiCategory.DATE)).containsExactly("7/22", "3/4/2019", "92");
    }

    @Test
    void offsetsCountCodePointsForJson() {
        String text = "\uD83D\uDE00 Dr. Healey";
        PhiSpan s = deid.find(text).getFirst();
        assertThat(s.text(text)).isEqualTo("Healey");
        assertThat(s.start()).isEqualTo(7);
        assertThat(s.codePointStart(text)).isEqualTo(6);
    }
}
