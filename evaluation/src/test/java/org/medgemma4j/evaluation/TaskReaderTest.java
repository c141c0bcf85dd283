package org.medgemma4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskReaderTest {

    @TempDir
    Path tmp;

    @Test
    void mmluCsvKeepsQuotedCommasQuotesAndLineBreaks() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mmlu-med"));
        Files.writeString(dir.resolve("anatomy_test.csv"),
                "\"A \"\"dished face\"\" profile, often\nseen\",one,\"two, three\",four,five,B\nplain,a,b,c,d,D\n");
        Task t = Task.parse("mmlu-med/anatomy");
        List<Item> items = TaskReader.read(t, TaskReader.folder(t, tmp));
        assertThat(items).hasSize(2);
        assertThat(items.get(0).question()).isEqualTo("A \"dished face\" profile, often\nseen");
        assertThat(items.get(0).options()).containsExactly("one", "two, three", "four", "five");
        assertThat(items.get(0).answer()).isEqualTo("B");
        assertThat(Prompts.harness(t, items.get(1))).isEqualTo("The following are multiple choice questions (with answers) "
                + "about anatomy.\n\nQuestion: plain\nA. a\nB. b\nC. c\nD. d\nAnswer:");
    }

    @Test
    void harnessPromptsFollowLmEvaluationHarness() throws IOException {
        Task pubmed = Task.parse("pubmedqa");
        Item item = TaskReader.read(pubmed, SyntheticData.pubmedqa(tmp, 1)).getFirst();
        assertThat(Prompts.harness(pubmed, item))
                .isEqualTo("Abstract: Background 0.\nResults 0.\nQuestion: Does synthetic intervention 0 change outcome 0?\nAnswer:");
        Task medqa = Task.parse("medqa");
        Item q = TaskReader.read(medqa, SyntheticData.medqa(tmp, 1)).getFirst();
        assertThat(Prompts.harness(medqa, q)).startsWith("Question: Synthetic question 0").contains("\nA. Remedy 0-a x\nB. ")
                .endsWith("\nD. Remedy 0-d w\nAnswer:");
    }

    @Test
    void badInputGetsAClearError() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("medqa"));
        Files.writeString(dir.resolve("test-us-4options.jsonl"), "{\"question\":\"q\",\"options\":{\"A\":\"a\",\"B\":\"b\"},\"answer_idx\":\"C\"}\n");
        Task t = Task.parse("medqa");
        assertThatThrownBy(() -> TaskReader.read(t, TaskReader.folder(t, tmp))).hasMessageContaining("test-us-4options.jsonl:1")
                .hasMessageContaining("'C' is not one of [A, B]");
        assertThatThrownBy(() -> TaskReader.folder(Task.parse("medmcqa"), tmp)).hasMessageContaining("holds no medmcqa files");
        assertThatThrownBy(() -> Task.parse("usmle")).hasMessageContaining("unknown task 'usmle'");
        assertThat(Task.parse("MMLU-Med/Clinical-Knowledge").name()).isEqualTo("mmlu-med/clinical_knowledge");
    }
}
