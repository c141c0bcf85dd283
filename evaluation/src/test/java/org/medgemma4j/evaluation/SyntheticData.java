package org.medgemma4j.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small data files in the real sets' formats, written by the tests so the logic is tested without the data. */
final class SyntheticData {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticData() {
    }

    /** {@code n} MedQA-format questions (distinct option texts, answers cycling A..D) in {@code dir}/medqa/. */
    static Path medqa(Path dir, int n) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("medqa"));
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            ObjectNode o = JSON.createObjectNode();
            o.put("question", "Synthetic question " + k + ": which drug treats condition " + (k * 7 % 13) + "?");
            ObjectNode opts = o.putObject("options");
            for (int i = 0; i < 4; i++) {
                opts.put(Item.letter(i), "Remedy " + k + "-" + (char) ('a' + i) + " " + "xyzw".charAt(i));
            }
            String answer = Item.letter((k * 3 + 1) % 4);
            o.put("answer", opts.get(answer).asText());
            o.put("answer_idx", answer);
            lines.add(JSON.writeValueAsString(o));
        }
        Files.write(folder.resolve("test-us-4options.jsonl"), lines, StandardCharsets.UTF_8);
        return folder;
    }

    /** {@code n} PubMedQA-format questions with their test-split labels in {@code dir}/pubmedqa/. */
    static Path pubmedqa(Path dir, int n) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pubmedqa"));
        ObjectNode all = JSON.createObjectNode();
        ObjectNode labels = JSON.createObjectNode();
        String[] answers = {"yes", "no", "maybe"};
        for (int k = 0; k < n; k++) {
            String pmid = String.valueOf(1000 + k);
            ObjectNode a = all.putObject(pmid);
            a.put("QUESTION", "Does synthetic intervention " + k + " change outcome " + (k % 5) + "?");
            a.putArray("CONTEXTS").add("Background " + k + ".").add("Results " + k + ".");
            a.put("final_decision", answers[k % 3]);
            labels.put(pmid, answers[(k * 2) % 3]);
        }
        all.putObject("999").put("QUESTION", "not in the test split").putArray("CONTEXTS");
        Files.writeString(folder.resolve("ori_pqal.json"), JSON.writeValueAsString(all));
        Files.writeString(folder.resolve("test_ground_truth.json"), JSON.writeValueAsString(labels));
        return folder;
    }
}
