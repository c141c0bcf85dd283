package org.medgemma4j.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.testing.FixtureModels;

/** ask over the PubMedQA index with a fixture model (random weights, real Gemma 3 vocabulary and template). */
class GroundedAnswerTest {

    @TempDir
    static Path tmp;
    static Map<String, JsonNode> records;
    static LuceneIndex index;
    static LoadedModel model;

    @BeforeAll
    static void setUp() throws IOException {
        records = PubmedQaCorpus.records();
        index = LuceneIndex.open(PubmedQaCorpus.index(tmp.resolve("idx"), PubmedQaCorpus.file()));
        model = LoadedModel.open(FixtureModels.quantized(FixtureModels.TINY, "Q8_0"), 2);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (model != null) {
            model.close();
        }
        if (index != null) {
            index.close();
        }
    }

    private static GenerationOptions greedy(int tokens) {
        return GenerationOptions.of(tokens, new SamplingParams(0f, 1, 1f, 0f, 1f, 64, 1));
    }

    @Test
    void anOnTopicQuestionIsAnsweredFromNumberedSourcesWithTheirPmids() throws IOException {
        var e = records.entrySet().iterator().next();
        GroundedAnswerer asker = new GroundedAnswerer(new Retriever(index, null), RelevanceFloor.DEFAULT, 5);
        List<Hit> hits = asker.retrieve(e.getValue().get("QUESTION").asText());
        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().passage().pmid()).isEqualTo(e.getKey());
        StringBuilder streamed = new StringBuilder();
        try (Session session = model.newSession(1024, KvCacheType.F16, 64)) {
            GroundedAnswer a = asker.answer(e.getValue().get("QUESTION").asText(), hits, session, greedy(24), streamed::append);
            assertThat(a.abstained()).isFalse();
            assertThat(a.result().tokens()).isNotEmpty();
            assertThat(a.answer()).isEqualTo(streamed.toString());
            // The fixture's 1,024-token context holds the best source (or part of it), not all five.
            assertThat(a.sources()).isNotEmpty().hasSizeLessThanOrEqualTo(hits.size());
            for (int i = 0; i < a.sources().size(); i++) {
                Source s = a.sources().get(i);
                assertThat(s.n()).isEqualTo(i + 1);
                assertThat(records).containsKey(s.passage().pmid());
                assertThat(s.passage().pmid()).isEqualTo(hits.get(i).passage().pmid());
            }
            assertThat(a.sources().getFirst().passage().pmid()).isEqualTo(e.getKey());
            assertThat(a.result().promptTokens()).isLessThanOrEqualTo(1024 - 24);
            assertThat(a.cited()).allMatch(n -> n >= 1 && n <= a.sources().size());
            assertThat(a.unknown()).allMatch(n -> n < 1 || n > a.sources().size());
        }
    }

    @Test
    void anOffTopicQuestionAbstainsWithoutCallingTheModel() throws IOException {
        GroundedAnswerer asker = new GroundedAnswerer(new Retriever(index, null), RelevanceFloor.DEFAULT, 5);
        String question = "What is the capital city of Australia?";
        List<Hit> hits = asker.retrieve(question);
        assertThat(hits).isEmpty();
        assertThat(index.lexical(question, 5)).as("BM25 alone does return something").isNotEmpty();
        StringBuilder streamed = new StringBuilder();
        try (Session session = model.newSession(1024, KvCacheType.F16, 64)) {
            GroundedAnswer a = asker.answer(question, hits, session, greedy(24), streamed::append);
            assertThat(a.abstained()).isTrue();
            assertThat(a.sources()).isEmpty();
            assertThat(a.cited()).isEmpty();
            assertThat(a.result()).isNull();
            assertThat(session.cachedTokens()).as("the model was not run").isEmpty();
            assertThat(streamed.toString()).isEqualTo(GroundedAnswer.NOTHING_RELEVANT);
        }
    }

    @Test
    void inventedCitationNumbersAreMarkedAsTheyStream() {
        StringBuilder out = new StringBuilder();
        CitationMarker m = new CitationMarker(3, out::append);
        String answer = "Yes [1]. Larger trials agree [2, 7] but see [12] and [3-4]; arrays a[0] stay, so does [x]. End [2";
        for (char c : answer.toCharArray()) {
            m.onText(String.valueOf(c));
        }
        m.finish();
        String expected = "Yes [1]. Larger trials agree [2, 7?] but see [12?] and [3-4?]; arrays a[0?] stay, so does [x]. End [2";
        assertThat(out.toString()).isEqualTo(expected);
        assertThat(m.answer()).isEqualTo(expected);
        assertThat(m.cited()).containsExactly(1, 2, 3);
        assertThat(m.unknown()).containsExactly(0, 4, 7, 12);
    }

    @Test
    void sourcesThatDoNotFitTheBudgetAreShortenedThenLeftOut() throws IOException {
        List<Hit> hits = index.lexical("cardiovascular risk in diabetes", 5);
        // a crude token count: words
        GroundedPrompt p = GroundedPrompt.build("q?", hits,
                msgs -> msgs.stream().mapToInt(c -> c.content().split("\\s+").length).sum(), 300);
        assertThat(p.sources()).isNotEmpty().hasSizeLessThan(5);
        Source last = p.sources().getLast();
        assertThat(p.messages().getLast().content()).contains("[" + last.n() + "] ").endsWith("Question: q?");
        assertThat(p.messages().stream().mapToInt(c -> c.content().split("\\s+").length).sum()).isLessThanOrEqualTo(300);
    }
}
