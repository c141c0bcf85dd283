package org.medgemma4j.privacy.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SurrogatesTest {

    private final Deidentifier deid = new Deidentifier(Lexicon.bundled());

    @Test
    void theSameNameGetsTheSameSurrogateAndDatesKeepTheirInterval() {
        String note = "Dr. Healey saw Mrs. Gaudreau on 7/22/2019. Dr. Healey will see her again on 8/05/2019.";
        Surrogates s = new Surrogates("secret", "patient-1");
        String out = s.apply(note, deid.find(note));
        assertThat(out).doesNotContain("Healey", "Gaudreau", "7/22/2019", "8/05/2019");
        String[] words = out.split(" ");
        assertThat(words[1]).isEqualTo(words[8]).as("Dr. Healey twice, one surrogate");
        var dates = java.util.regex.Pattern.compile("(\\d+)/(\\d+)/(\\d{4})").matcher(out);
        assertThat(dates.find()).isTrue();
        LocalDate a = LocalDate.of(Integer.parseInt(dates.group(3)), Integer.parseInt(dates.group(1)), Integer.parseInt(dates.group(2)));
        assertThat(dates.find()).isTrue();
        LocalDate b = LocalDate.of(Integer.parseInt(dates.group(3)), Integer.parseInt(dates.group(1)), Integer.parseInt(dates.group(2)));
        assertThat(ChronoUnit.DAYS.between(a, b)).isEqualTo(14);
        assertThat(ChronoUnit.DAYS.between(LocalDate.of(2019, 7, 22), a)).isEqualTo(s.dateOffsetDays());
    }

    @Test
    void oneOffsetPerPatientWhateverTheNote() {
        assertThat(new Surrogates("k", "p1").dateOffsetDays()).isEqualTo(new Surrogates("k", "p1").dateOffsetDays())
                .isBetween(-395, -30);
    }

    @Test
    void dateFormsSurviveTheShift() {
        DateShifter shift = new DateShifter(-10);
        assertThat(shift.shift("7/22")).contains("7/12");
        assertThat(shift.shift("2019-07-22")).contains("2019-07-12");
        assertThat(shift.shift("July 22, 2019")).contains("July 12, 2019");
        assertThat(shift.shift("3/1/2020")).contains("2/20/2020");
        assertThat(shift.shift("'92")).contains("'92");
        assertThat(shift.shift("Christmas")).isEmpty();
    }

    @Test
    void agesOverEightyNineBecomeNinetyPlus() {
        String note = "93 yo man, wife is 45 years old.";
        String out = new Surrogates("k", "p").apply(note, deid.find(note));
        assertThat(out).isEqualTo("90+ yo man, wife is 45 years old.");
    }

    @Test
    void overlappingSpansAreRefused() {
        assertThatThrownBy(() -> Redactor.redact("abcdef", java.util.List.of(new PhiSpan(0, 3, PhiCategory.NAME), new PhiSpan(2, 4, PhiCategory.DATE))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
