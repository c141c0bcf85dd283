package org.medgemma4j.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.medgemma4j.store.data.DataSet;

/**
 * Reads a task's items from its data set's files, in file order, in the formats the shared data folder holds
 * (docs/evaluation.md): MedQA and MedMCQA JSON lines, PubMedQA's PQA-L JSON with the test split's PMIDs,
 * MMLU's header-less CSV. A malformed record is an error naming its file and line, never skipped.
 */
public final class TaskReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskReader() {
    }

    /**
     * The folder holding {@code task}'s files: {@code path} itself when it holds them, else its subfolder named
     * after the data set; without a path, the data set's folder on the data search path.
     */
    public static Path folder(Task task, Path path) throws IOException {
        if (path == null) {
            return task.dataSet().require();
        }
        for (Path candidate : List.of(path, path.resolve(task.dataSet().id()))) {
            if (Files.isDirectory(candidate) && hasFiles(task, candidate)) {
                return candidate;
            }
        }
        throw new IOException(path + " holds no " + task.dataSet().id() + " files (expected "
                + filesOf(task).stream().map(f -> f).toList() + " in it or in " + path.resolve(task.dataSet().id()) + ")");
    }

    private static boolean hasFiles(Task task, Path dir) {
        return filesOf(task).stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static List<String> filesOf(Task task) {
        if (task.subject() != null) {
            return List.of(task.subject() + "_test.csv");
        }
        return task.dataSet().files().stream().map(DataSet.DataFile::name).toList();
    }

    /** Every item of the task in {@code folder}, in file order. */
    public static List<Item> read(Task task, Path folder) throws IOException {
        return switch (task.dataSet()) {
            case MEDQA -> medqa(folder.resolve("test-us-4options.jsonl"));
            case MEDMCQA -> medmcqa(folder.resolve("dev.jsonl"));
            case PUBMEDQA -> pubmedqa(folder.resolve("ori_pqal.json"), folder.resolve("test_ground_truth.json"));
            case MMLU_MED -> {
                List<Item> items = new ArrayList<>();
                for (String s : task.subject() != null ? List.of(task.subject()) : Task.MMLU_SUBJECTS) {
                    items.addAll(mmlu(folder.resolve(s + "_test.csv"), s));
                }
                yield items;
            }
            default -> throw new IllegalArgumentException(task.dataSet().id() + " is not a benchmark");
        };
    }

    static List<Item> medqa(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        forEachJsonLine(file, (line, n) -> {
            JsonNode options = required(n, "options", file, line);
            List<String> texts = new ArrayList<>();
            for (int i = 0; options.has(Item.letter(i)); i++) {
                texts.add(options.get(Item.letter(i)).asText());
            }
            items.add(new Item("medqa-" + line, null, text(n, "question", file, line), texts, null,
                    text(n, "answer_idx", file, line)));
        });
        return items;
    }

    static List<Item> medmcqa(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        forEachJsonLine(file, (line, n) -> {
            List<String> texts = List.of(text(n, "opa", file, line), text(n, "opb", file, line), text(n, "opc", file, line),
                    text(n, "opd", file, line));
            int cop = required(n, "cop", file, line).asInt(); // 1-based
            if (cop < 1 || cop > 4) {
                throw new IOException(file + ":" + line + ": cop " + cop + " is not 1..4");
            }
            String id = n.hasNonNull("id") ? n.get("id").asText() : "medmcqa-" + line;
            String subject = n.hasNonNull("subject_name") ? n.get("subject_name").asText() : "Unknown";
            items.add(new Item(id, subject, text(n, "question", file, line), texts, null, Item.letter(cop - 1)));
        });
        return items;
    }

    static List<Item> pubmedqa(Path abstracts, Path testSplit) throws IOException {
        JsonNode all = readJson(abstracts);
        JsonNode labels = readJson(testSplit);
        List<Item> items = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = all.get(e.getKey());
            if (a == null) {
                throw new IOException(testSplit + ": PMID " + e.getKey() + " is not in " + abstracts);
            }
            List<String> contexts = new ArrayList<>();
            a.path("CONTEXTS").forEach(c -> contexts.add(c.asText()));
            // the harness joins the abstract's sections with newlines
            items.add(new Item(e.getKey(), null, a.path("QUESTION").asText(), List.of(), String.join("\n", contexts),
                    e.getValue().asText()));
        }
        return items;
    }

    static List<Item> mmlu(Path file, String subject) throws IOException {
        List<Item> items = new ArrayList<>();
        List<List<String>> rows = Csv.parse(Files.readString(file, StandardCharsets.UTF_8));
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() != 6) {
                throw new IOException(file + ": record " + (r + 1) + " has " + row.size() + " fields, expected 6 "
                        + "(question,A,B,C,D,answer)");
            }
            try {
                items.add(new Item(subject + "-" + (r + 1), subject, row.get(0), row.subList(1, 5), null, row.get(5).strip()));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": record " + (r + 1) + ": " + e.getMessage(), e);
            }
        }
        return items;
    }

    private interface LineHandler {
        void accept(int line, JsonNode node) throws IOException;
    }

    private static void forEachJsonLine(Path file, LineHandler handler) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int line = 0;
            for (String s; (s = r.readLine()) != null; ) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(s);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IOException(file + ":" + line + ": not JSON: " + e.getOriginalMessage(), e);
                }
                try {
                    handler.accept(line, n);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ":" + line + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode required(JsonNode n, String field, Path file, int line) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IOException(file + ":" + line + ": no '" + field + "' field");
        }
        return v;
    }

    private static String text(JsonNode n, String field, Path file, int line) throws IOException {
        return required(n, field, file, line).asText();
    }
}
