package org.medgemma4j.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text, Markdown and PDF ingest; broken files in a batch are reported by name, skipped and never half-indexed. */
class FileIngestTest {

    @TempDir
    Path tmp;

    static void pdf(Path file, String title, String... pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
                    cs.newLineAtOffset(72, 700);
                    cs.showText(text);
                    cs.endText();
                }
            }
            doc.getDocumentInformation().setTitle(title);
            doc.save(file.toFile());
        }
    }

    @Test
    void aBatchWithBrokenFilesKeepsTheGoodOnesAndNothingOfTheBad() throws IOException {
        Path md = tmp.resolve("guideline.md");
        Files.writeString(md, "# Sepsis bundle\n\nGive broad-spectrum antibiotics within one hour of recognising septic shock. "
                + "Measure lactate; remeasure when above 2 mmol/L.\n");
        Path good = tmp.resolve("trial.pdf");
        pdf(good, "Metformin trial report", "Metformin lowered HbA1c in type 2 diabetes.", "Lactic acidosis was not observed with metformin.");
        Path brokenPdf = tmp.resolve("broken.pdf");
        Files.writeString(brokenPdf, "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref or trailer");
        Path brokenXml = tmp.resolve("pubmed26n0007.xml");
        // Two whole citations, then the file breaks: neither may be indexed.
        Files.writeString(brokenXml, """
                <?xml version="1.0"?>
                <PubmedArticleSet>
                <PubmedArticle><MedlineCitation><PMID>111</PMID><Article><ArticleTitle>Warfarin dosing quokka</ArticleTitle>
                <Abstract><AbstractText>Quokka anticoagulation.</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>
                <PubmedArticle><MedlineCitation><PMID>112</PMID><Article><ArticleTitle>Second quokka</ArticleTitle></Article></MedlineCitation></PubmedArticle>
                <PubmedArticle><MedlineCitation><PMID>113</PMID><Article><ArticleTitle>Unclosed
                """);
        Path unknown = tmp.resolve("notes.docx");
        Files.writeString(unknown, "x");

        try (LuceneIndex index = LuceneIndex.openOrCreate(tmp.resolve("idx"))) {
            List<Ingester.FileResult> results = new Ingester(index, Chunker.standard(), null)
                    .addAll(List.of(md, brokenXml, good, brokenPdf, unknown, tmp.resolve("missing.txt")), Ingester.Listener.NONE);
            assertThat(results).extracting(Ingester.FileResult::ok).containsExactly(true, false, true, false, false, false);
            assertThat(results.get(1).error()).contains("pubmed26n0007.xml").contains("line");
            assertThat(results.get(3).error()).contains("broken.pdf");
            assertThat(results.get(4).error()).contains("unknown format");
            assertThat(results.get(5).error()).contains("no such file");

            assertThat(index.lexical("quokka warfarin", 5)).isEmpty();
            assertThat(index.stats().sources()).isEqualTo(2);
            assertThat(index.stats().passages()).isEqualTo(3); // one Markdown chunk, two PDF pages

            Hit page2 = index.lexical("lactic acidosis metformin", 1).getFirst();
            assertThat(page2.passage().page()).isEqualTo(2);
            assertThat(page2.passage().title()).isEqualTo("Metformin trial report");
            assertThat(page2.passage().pmid()).isNull();
            assertThat(page2.passage().source()).endsWith("trial.pdf");
            Hit guide = index.lexical("septic shock antibiotics", 1).getFirst();
            assertThat(guide.passage().title()).isEqualTo("Sepsis bundle");
            assertThat(guide.passage().page()).isNull();

            // Adding the same files again replaces them: nothing doubles.
            new Ingester(index, Chunker.standard(), null).addAll(List.of(md, good), Ingester.Listener.NONE);
            assertThat(index.stats().passages()).isEqualTo(3);
            assertThat(index.removeSource(good.toAbsolutePath().toString())).isEqualTo(2);
            assertThat(index.stats().passages()).isEqualTo(1);
        }
    }

    @Test
    void analysisJoinsHyphenatedNamesAndKeepsGeneNamesWhole() throws IOException {
        try (LuceneIndex index = LuceneIndex.openOrCreate(tmp.resolve("a"))) {
            assertThat(index.terms("IL-6 levels in COVID-19")).contains("il", "6", "il6", "level", "covid", "19", "covid19");
            assertThat(index.terms("p53 and BRCA1 mutations")).contains("p53", "brca1", "mutat");
            assertThat(index.terms("Alzheimer's disease patients")).containsExactly("alzheim", "diseas", "patient");
            assertThat(index.terms("Does HbA1c predict outcome?")).containsExactly("hba1c", "predict", "outcom");
        }
    }

    @Test
    void longTextIsChunkedWithOverlapAndPositions() {
        String sentence = "Beta blockers reduce mortality after myocardial infarction in many cohorts. ";
        String text = sentence.repeat(100);
        List<Chunker.Chunk> chunks = new Chunker(1000, 200).split(text);
        assertThat(chunks.size()).isGreaterThan(7);
        for (Chunker.Chunk c : chunks) {
            assertThat(c.text().length()).isLessThanOrEqualTo(1000);
            assertThat(text.substring(c.start())).startsWith(c.text());
        }
        for (int i = 1; i < chunks.size(); i++) {
            int prevEnd = chunks.get(i - 1).start() + chunks.get(i - 1).text().length();
            assertThat(chunks.get(i).start()).isLessThan(prevEnd).isGreaterThan(chunks.get(i - 1).start());
        }
    }
}
