package org.medgemma4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;

/**
 * The harness against a scripted OpenAI-compatible server that answers each item right or wrong in one of many
 * real answer forms, some unreadable: every count must come out exactly as scripted.
 */
class EvalHarnessTest {

    @TempDir
    Path tmp;

    /** What the script did, item by item, and so what the harness must count. */
    private static final class Script {
        final Map<String, Item> byPrompt = new HashMap<>();
        final Map<String, Integer> index = new HashMap<>();
        int correct;
        int unparsed;
        final Map<String, int[]> subjects = new HashMap<>();

        Script(List<Item> items) {
            for (int k = 0; k < items.size(); k++) {
                Item item = items.get(k);
                byPrompt.put(Prompts.chat(item, false), item);
                index.put(item.id(), k);
                AnswerForms form = form(item, k);
                boolean right = right(k, item);
                int[] s = subjects.computeIfAbsent(String.valueOf(item.subject()), x -> new int[3]);
                s[0]++;
                if (!form.readable()) {
                    unparsed++;
                    s[2]++;
                } else if (right) {
                    correct++;
                    s[1]++;
                }
            }
        }

        static AnswerForms form(Item item, int k) {
            List<AnswerForms> forms = item.options().isEmpty() ? AnswerForms.YES_NO : AnswerForms.LETTER;
            return forms.get(k % forms.size());
        }

        static boolean right(int k, Item item) {
            int n = item.options().isEmpty() ? AnswerForms.YES_NO.size() : AnswerForms.LETTER.size();
            return (k / n + k) % 3 != 0; // about two in three right, varying across forms
        }

        String reply(String prompt) {
            Item item = byPrompt.get(prompt);
            if (item == null) {
                throw new IllegalStateException("the harness sent a prompt for no known item: " + prompt);
            }
            int k = index.get(item.id());
            List<String> choices = item.choices();
            int answer = choices.indexOf(item.answer());
            int stated = right(k, item) ? answer : (answer + 1) % choices.size();
            int other = (stated + 2) % choices.size();
            String text = item.options().isEmpty() ? null : item.options().get(stated);
            return form(item, k).render(choices.get(stated), choices.get(other), text, item.options().isEmpty() && k % 2 == 0);
        }
    }

    private Tally run(Task task, List<Item> items, Path out, int parallel, ScriptedOpenAiServer server) throws IOException {
        try (ChatBackend chat = new OpenAiChat(server.baseUrl(), "scripted", null, parallel, 0f, 42L, Duration.ofSeconds(30));
             ResultLog log = ResultLog.open(out)) {
            return new Evaluator(new ChatAnswerer(chat, false, 16)).run(task, items, log, Progress.NONE);
        }
    }

    private void assertExact(Task task, List<Item> items, int parallel) throws IOException {
        Script script = new Script(items);
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(script::reply, parallel > 1 ? 20 : 0)) {
            Path out = tmp.resolve(task.name().replace('/', '_') + ".jsonl");
            Tally t = run(task, items, out, parallel, server);
            assertThat(t.n()).isEqualTo(items.size());
            assertThat(t.correct()).as("correct").isEqualTo(script.correct);
            assertThat(t.unparsed()).as("unparsed").isEqualTo(script.unparsed);
            assertThat(server.requests()).isEqualTo(items.size());
            if (task.hasSubjects()) {
                t.subjects().forEach((name, c) -> assertThat(c).as(name).containsExactly(script.subjects.get(name)));
            }
            Map<String, ItemResult> lines = ResultLog.read(out);
            assertThat(lines).hasSize(items.size());
            for (Item item : items) {
                ItemResult r = lines.get(item.id());
                AnswerForms form = Script.form(item, script.index.get(item.id()));
                assertThat(r.unparsed()).as(item.id() + " " + r.raw()).isEqualTo(!form.readable());
                assertThat(r.answer()).isEqualTo(item.answer());
                assertThat(r.prompt()).isEqualTo(Prompts.chat(item, false));
            }
            if (parallel > 1) {
                assertThat(server.maxInFlight()).as("requests in flight at once").isGreaterThan(1).isLessThanOrEqualTo(parallel);
            }
        }
    }

    @Test
    void countsAreExactOnSyntheticMultipleChoice() throws IOException {
        Path dir = SyntheticData.medqa(tmp.resolve("data"), 3 * AnswerForms.LETTER.size() + 5);
        Task task = Task.parse("medqa");
        List<Item> items = TaskReader.read(task, TaskReader.folder(task, dir));
        assertExact(task, items, 4);
    }

    @Test
    void countsAreExactOnSyntheticYesNoMaybe() throws IOException {
        Path dir = SyntheticData.pubmedqa(tmp.resolve("data"), 3 * AnswerForms.YES_NO.size() + 2);
        Task task = Task.parse("pubmedqa");
        List<Item> items = TaskReader.read(task, TaskReader.folder(task, dir.getParent()));
        assertExact(task, items, 1);
    }

    @Test
    void anInterruptedRunResumesWithTheSameCounts() throws IOException {
        Path dir = SyntheticData.medqa(tmp.resolve("data"), 40);
        Task task = Task.parse("medqa");
        List<Item> items = TaskReader.read(task, TaskReader.folder(task, dir));
        Script script = new Script(items);
        Path out = tmp.resolve("resume.jsonl");
        try (ScriptedOpenAiServer server = new ScriptedOpenAiServer(script::reply, 0)) {
            run(task, items.subList(0, 15), out, 2, server);
            // the interruption cut the last line in half
            String text = Files.readString(out);
            Files.writeString(out, text.substring(0, text.length() - 30));
            Tally t = run(task, items, out, 3, server);
            assertThat(server.requests()).isEqualTo(15 + (40 - 14));
            assertThat(t.n()).isEqualTo(40);
            assertThat(t.correct()).isEqualTo(script.correct);
            assertThat(t.unparsed()).isEqualTo(script.unparsed);
            assertThat(Files.readAllLines(out)).hasSize(40);
        }
    }

    @Test
    void theSummaryLineHasTheAgreedFieldsInOrder() throws Exception {
        Tally t = new Tally();
        Item a = new Item("1", null, "q", List.of("x", "y"), null, "A");
        for (int i = 0; i < 7; i++) {
            t.add(ItemResult.of(a, "p", "r", i < 4 ? "A" : i < 6 ? "B" : null));
        }
        Summary s = new Summary(Task.parse("medqa"), "generate", "medgemma-4b-it", t, 0,
                PublishedScores.forModel("medgemma-4b-it", Task.parse("medqa")));
        String json = new ObjectMapper().writeValueAsString(s.toJson());
        assertThat(json).startsWith("{\"task\":\"medqa\",\"n\":7,\"correct\":4,\"unparsed\":1,\"accuracy\":0.571429,\"ci95\":[");
        double[] ci = Tally.wilson(4, 7);
        // Wilson's interval for 4/7 (worked by hand: centre 0.5474, half-width 0.2988)
        assertThat(ci[0]).isCloseTo(0.2504, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(ci[1]).isCloseTo(0.8416, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(json).contains("\"model_card\":{\"model\":\"MedGemma 4B\",\"accuracy\":0.644}");
        assertThat(s.toText()).contains("64.4%").contains("unparsed");
    }

    @Test
    void theModelCardRowFollowsTheModelsName() {
        Task medqa = Task.parse("medqa");
        assertThat(PublishedScores.forModel("MedGemma 27B Text It", medqa)).map(PublishedScores.Published::percent).contains(87.7);
        assertThat(PublishedScores.forModel("medgemma-27b-it", Task.parse("pubmedqa"))).map(PublishedScores.Published::percent).contains(77.2);
        assertThat(PublishedScores.forModel("hf.co/unsloth/medgemma-4b-it-GGUF:Q4_K_M", Task.parse("mmlu-med")))
                .map(PublishedScores.Published::percent).contains(70.0);
        assertThat(PublishedScores.forModel("gemma-3-4b-it", medqa)).isEmpty();
        assertThat(PublishedScores.forModel("medgemma-4b-it", Task.parse("mmlu-med/anatomy"))).isEmpty();
    }

    @Test
    void countsAreExactOnRealData() throws IOException {
        for (String name : List.of("medqa", "medmcqa", "pubmedqa", "mmlu-med/medical_genetics", "mmlu-med")) {
            Task task = Task.parse(name);
            Path folder = TestData.require(task.dataSet());
            List<Item> items = TaskReader.read(task, folder);
            // spread over subjects: every 7th item
            List<Item> sample = new ArrayList<>();
            for (int i = 0; i < items.size() && sample.size() < 60; i += 7) {
                sample.add(items.get(i));
            }
            assertExact(task, sample, 4);
        }
    }

    @Test
    void realDataSetsHoldTheirPublishedItemCounts() throws IOException {
        Map<String, Integer> expected = Map.of("medqa", 1273, "medmcqa", 4183, "pubmedqa", 500, "mmlu-med", 1089,
                "mmlu-med/anatomy", 135);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Task task = Task.parse(e.getKey());
            List<Item> items = TaskReader.read(task, TestData.require(task.dataSet()));
            assertThat(items).as(e.getKey()).hasSize(e.getValue());
            assertThat(items.stream().map(Item::id).distinct().count()).as(e.getKey() + " ids unique").isEqualTo(items.size());
        }
        List<Item> pubmed = TaskReader.read(Task.parse("pubmedqa"), TestData.require(DataSet.PUBMEDQA));
        long yes = pubmed.stream().filter(i -> i.answer().equals("yes")).count();
        assertThat(yes).isEqualTo(276); // 55.2% majority class (MEDICAL.md)
        List<Item> mcqa = TaskReader.read(Task.parse("medmcqa"), TestData.require(DataSet.MEDMCQA));
        assertThat(mcqa.stream().filter(i -> i.answer().equals("A")).count() / (double) mcqa.size()).isCloseTo(0.322,
                org.assertj.core.data.Offset.offset(0.001));
        assertThat(Optional.ofNullable(mcqa.getFirst().subject())).contains("Physiology");
    }
}
