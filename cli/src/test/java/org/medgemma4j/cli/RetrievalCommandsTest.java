package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;

/** index add/list/stats/rm, search and ask as a user runs them. */
class RetrievalCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path corpus() throws IOException {
        Path xml = tmp.resolve("pubmed26n0001.xml");
        Files.writeString(xml, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
                <PubmedArticleSet>
                <PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">30000001</PMID><Article>
                <Journal><Title>Lancet</Title><JournalIssue><PubDate><Year>2021</Year></PubDate></JournalIssue></Journal>
                <ArticleTitle>Dexamethasone in hospitalized patients with <i>COVID-19</i></ArticleTitle>
                <Abstract><AbstractText Label="BACKGROUND">Glucocorticoids may modulate inflammation-mediated lung injury.</AbstractText>
                <AbstractText Label="RESULTS">Dexamethasone reduced 28-day mortality among patients receiving invasive mechanical ventilation.</AbstractText></Abstract>
                </Article><MeshHeadingList><MeshHeading><DescriptorName UI="D003907">Dexamethasone</DescriptorName></MeshHeading></MeshHeadingList>
                </MedlineCitation></PubmedArticle>
                <PubmedArticle><MedlineCitation><PMID Version="1">30000002</PMID><Article>
                <Journal><Title>NEJM</Title><JournalIssue><PubDate><MedlineDate>2019 Dec-2020 Jan</MedlineDate></PubDate></JournalIssue></Journal>
                <ArticleTitle>Metformin and lactic acidosis in chronic kidney disease</ArticleTitle>
                <Abstract><AbstractText>Metformin use with reduced eGFR was not associated with lactic acidosis.</AbstractText></Abstract>
                </Article></MedlineCitation></PubmedArticle>
                </PubmedArticleSet>
                """);
        return xml;
    }

    @Test
    void indexSearchAndRemove() throws IOException {
        Path xml = corpus();
        Path broken = tmp.resolve("broken.pdf");
        Files.writeString(broken, "%PDF-1.4 not really");
        Path idx = tmp.resolve("idx");
        CliRun add = CliRun.of("index", "add", "--index", idx.toString(), xml.toString(), broken.toString());
        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.out()).contains("added " + xml).contains("2 documents");
        assertThat(add.err()).contains("skipped " + broken);

        CliRun search = CliRun.of("search", "--index", idx.toString(), "-k", "1", "--json", "dexamethasone ventilation mortality");
        assertThat(search.exitCode()).isZero();
        JsonNode hit = JSON.readTree(search.out()).get("hits").get(0);
        assertThat(hit.get("pmid").asText()).isEqualTo("30000001");
        assertThat(hit.get("title").asText()).isEqualTo("Dexamethasone in hospitalized patients with COVID-19");
        assertThat(hit.get("year").asInt()).isEqualTo(2021);
        assertThat(hit.get("score").asDouble()).isPositive();
        assertThat(hit.get("text").asText()).startsWith("BACKGROUND: Glucocorticoids");

        CliRun text = CliRun.of("search", "--index", idx.toString(), "metformin");
        assertThat(text.out()).contains("PMID 30000002: Metformin and lactic acidosis in chronic kidney disease (2019)");

        assertThat(CliRun.of("index", "list", "--index", idx.toString()).out()).contains("2  " + xml.toAbsolutePath());
        JsonNode stats = JSON.readTree(CliRun.of("index", "stats", "--index", idx.toString(), "--json").out());
        assertThat(stats.get("passages").asInt()).isEqualTo(2);
        assertThat(stats.get("pubmed").asInt()).isEqualTo(2);

        assertThat(CliRun.of("index", "rm", "--index", idx.toString(), "30000002").out()).contains("removed 30000002");
        assertThat(CliRun.of("index", "rm", "--index", idx.toString(), "30000002").exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(CliRun.of("search", "--index", idx.toString(), "--json", "metformin").out()).get("hits")).isEmpty();

        CliRun none = CliRun.of("search", "--index", tmp.resolve("nowhere").toString(), "x");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no index here");
    }

    @Test
    void askCitesPmidsOrAbstains() throws IOException {
        Path idx = tmp.resolve("idx");
        assertThat(CliRun.of("index", "add", "--index", idx.toString(), corpus().toString()).exitCode()).isZero();
        String model = FixtureModels.quantized(FixtureModels.TINY, "Q8_0").toString();

        CliRun ask = CliRun.of("ask", "-m", model, "--index", idx.toString(), "-t", "2", "-c", "1024", "-n", "8", "--temp", "0",
                "--json", "Does dexamethasone reduce mortality in ventilated COVID-19 patients?");
        assertThat(ask.exitCode()).as(ask.err()).isZero();
        JsonNode a = JSON.readTree(ask.out());
        assertThat(a.get("abstained").asBoolean()).isFalse();
        assertThat(a.get("sources").get(0).get("n").asInt()).isEqualTo(1);
        assertThat(a.get("sources").get(0).get("pmid").asText()).isEqualTo("30000001");
        assertThat(a.get("sources").get(0).get("title").asText()).startsWith("Dexamethasone");
        assertThat(a.get("answer").asText()).isNotEmpty();

        CliRun streamed = CliRun.of("ask", "-m", model, "--index", idx.toString(), "-t", "2", "-c", "1024", "-n", "4", "--temp", "0",
                "dexamethasone mortality ventilation");
        assertThat(streamed.out()).contains("Sources:\n[1] PMID 30000001: Dexamethasone");

        CliRun off = CliRun.of("ask", "-m", "no-such-model-is-loaded-when-abstaining", "--index", idx.toString(), "--json",
                "Who won the football world cup in 1998?");
        assertThat(off.exitCode()).as(off.err()).isZero();
        JsonNode o = JSON.readTree(off.out());
        assertThat(o.get("abstained").asBoolean()).isTrue();
        assertThat(o.get("sources")).isEmpty();
        assertThat(o.get("answer").asText()).startsWith("No sufficiently relevant sources");
    }
}
