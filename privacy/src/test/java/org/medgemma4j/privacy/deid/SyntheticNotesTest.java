package org.medgemma4j.privacy.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;

/**
 * Notes in styles unlike the PhysioNet nursing notes (an admission note, a discharge letter, a clinic
 * letter, a referral e-mail), written for this test with every PHI marked {@code {{...}}} and every piece
 * of clinical content that must survive marked {@code <<...>>}.
 */
class SyntheticNotesTest {

    static final List<String> NOTES = List.of(
            """
            ADMISSION NOTE
            Patient: {{Eleanor Whitfield}}    MRN: {{00482913}}    DOB: {{03/14/1951}}
            Admitted: {{2023-11-02}} to 6 West from the ED at {{Lakeside General Hospital}}.
            Attending: Dr. {{Marcus Oyelaran}}; resident Dr. {{Priya Raghunathan}}.
            HPI: 72 yo woman with COPD and HFrEF (EF 30%) presenting with 3 days of dyspnea. Her daughter {{Janet}}
            ({{617-555-0148}}) reports increased ankle swelling since {{October 28}}.
            Meds: <<furosemide>> <<40 mg>> PO daily, <<metoprolol succinate>> <<50 mg>> daily, <<tiotropium>> inhaler.
            Labs: Na <<134>>, K <<5.1>>, creatinine <<1.8 mg/dL>>, BNP <<1450 pg/mL>>, hemoglobin <<10.2 g/dL>>.
            Plan: IV <<furosemide>> <<40 mg>> BID, daily weights, repeat BMP in AM.
            """,
            """
            Discharge Summary

            Dear Dr. {{Hollingsworth}},

            Your patient Mr. {{Tobias Kettleby}}, aged {{93}}, was admitted on {{January 5, 2024}} and discharged on
            {{January 12, 2024}}. He lives at {{47 Larchmont Avenue}}, {{Brookfield}}, WI {{53045}}, with his wife {{Margery}}.
            He was treated for community-acquired pneumonia with <<ceftriaxone>> <<1 g>> IV daily and <<azithromycin>>
            <<500 mg>>, then switched to <<amoxicillin>> <<875 mg>> twice daily. His <<warfarin>> was held; INR on
            discharge was <<2.3>>. Please check a CBC and INR at your clinic on {{January 19}}.
            For questions please call {{(414) 555-0172}} or write to {{t.kettleby.care@examplemail.com}}.

            Kind regards,
            {{Sarah Lindqvist}}, MD
            Department of Medicine, {{St. Brendan's Hospital}}
            """,
            """
            Outpatient Cardiology Clinic — follow-up letter

            Re: {{Rosalind Achterberg}}, SSN {{123-45-6789}}, Account No. {{AC-7781204}}

            Ms. {{Achterberg}} was seen today, {{12 March 2024}}. Since her PCI to the LAD in {{2019}} she has been
            well. Current medications are <<aspirin>> <<81 mg>> daily, <<atorvastatin>> <<80 mg>> nightly and
            <<ticagrelor>> <<90 mg>> twice daily. LDL <<1.6 mmol/L>>, HbA1c <<6.1%>>, blood pressure <<128/76>>.
            Her son {{Declan}} drove her from {{Kalamazoo}}. Portal: {{https://portal.lakeshore-cardiology.org/p/88213}}
            (accessed from {{192.168.14.77}}). Next review with Dr {{Nwachukwu}} in six months.
            """,
            """
            From: {{jkowalczyk@riverbendclinic.org}}
            Subject: referral

            Hi {{Amara}}, referring {{Henrik Solberg}} ({{96}} y/o M, pager for questions {{40512}}) from {{Riverbend Family Practice}}.
            Seen {{4/22}} with new AF, rate 110-130, started <<apixaban>> <<5 mg>> BID and <<diltiazem>> <<120 mg>> daily.
            TSH <<2.1>>, potassium <<4.2>>. He lives in {{Tallowmere}}; his daughter works at ext. {{4-5521}}.
            Thanks, {{Joanna Kowalczyk}}, NP
            """);

    private static final Pattern MARK = Pattern.compile("\\{\\{(.+?)}}|<<(.+?)>>");

    record Marked(String text, List<int[]> phi, List<int[]> clinical) {
    }

    static Marked parse(String note) {
        StringBuilder text = new StringBuilder();
        List<int[]> phi = new ArrayList<>();
        List<int[]> clinical = new ArrayList<>();
        Matcher m = MARK.matcher(note);
        int at = 0;
        while (m.find()) {
            text.append(note, at, m.start());
            String inner = m.group(1) != null ? m.group(1) : m.group(2);
            int start = text.length();
            text.append(inner);
            (m.group(1) != null ? phi : clinical).add(new int[] {start, text.length()});
            at = m.end();
        }
        text.append(note.substring(at));
        return new Marked(text.toString(), phi, clinical);
    }

    static Deidentifier deid;

    /** DrugBank's vocabulary when the test data holds it; the bundled brand names alone otherwise. */
    static DrugVocabulary drugs() throws java.io.IOException {
        return DataSet.DRUGS.missingIn(TestData.dataDir()).isEmpty()
                ? DrugVocabulary.read(DataSet.DRUGS.folderIn(TestData.dataDir()).resolve("drugbank-open-vocabulary.csv"))
                : DrugVocabulary.empty();
    }

    @BeforeAll
    static void load() throws Exception {
        deid = new Deidentifier(Lexicon.bundled(drugs()));
    }

    @Test
    void phiIsFoundInOtherStylesAndClinicalContentIsKept() {
        int gold = 0;
        int found = 0;
        List<String> missed = new ArrayList<>();
        List<String> clinicalLost = new ArrayList<>();
        for (String note : NOTES) {
            Marked m = parse(note);
            List<PhiSpan> spans = deid.find(m.text());
            for (int[] g : m.phi()) {
                gold++;
                if (spans.stream().anyMatch(s -> s.start() < g[1] && g[0] < s.end())) {
                    found++;
                } else {
                    missed.add(m.text().substring(g[0], g[1]));
                }
            }
            for (int[] c : m.clinical()) {
                if (spans.stream().anyMatch(s -> s.start() < c[1] && c[0] < s.end())) {
                    clinicalLost.add(m.text().substring(c[0], c[1]));
                }
            }
        }
        double recall = (double) found / gold;
        System.out.printf("synthetic notes: recall %.3f (%d/%d), missed %s%n", recall, found, gold, missed);
        assertThat(recall).as("recall, missed: " + missed).isGreaterThanOrEqualTo(0.90);
        assertThat(clinicalLost).as("drug names, doses and lab values must be kept").isEmpty();
    }

    @Test
    void redactionLeavesTheClinicalTextReadable() {
        Marked m = parse(NOTES.get(0));
        String redacted = Redactor.redact(m.text(), deid.find(m.text()));
        assertThat(redacted).contains("[NAME]", "[DATE]", "[ID]", "[PHONE]")
                .contains("furosemide", "40 mg", "creatinine 1.8 mg/dL", "BNP 1450 pg/mL")
                .doesNotContain("Whitfield", "00482913", "617-555-0148", "Oyelaran");
    }
}
