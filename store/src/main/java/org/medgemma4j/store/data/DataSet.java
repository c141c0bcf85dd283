package org.medgemma4j.store.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The public medical data sets the evaluation harness, retrieval and de-identification read: where each
 * comes from, under which licence, and the SHA-256 of every file as published (a download is checked
 * against it). Files sit under one data folder as {@code NAME/FILE}, the layout of the project's
 * shared data folder, of $MEDGEMMA_DATA and of the store's {@code data/} folder alike.
 */
public enum DataSet {

    PUBMEDQA("pubmedqa", "PubMedQA PQA-L: 1,000 expert-labelled questions with their abstracts, MeSH, yes/no/maybe",
            "MIT", "github.com/pubmedqa/pubmedqa (data/)",
            new DataFile("ori_pqal.json", "https://raw.githubusercontent.com/pubmedqa/pubmedqa/master/data/ori_pqal.json",
                    2584787, "8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d"),
            new DataFile("test_ground_truth.json", "https://raw.githubusercontent.com/pubmedqa/pubmedqa/master/data/test_ground_truth.json",
                    11414, "939fe566f09017d13b1ca64d2ddfee0bc2374b366048152997669cccedc44d51")),
    MEDQA("medqa", "MedQA (USMLE), 4 options, test split: 1,273 questions", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/medqa/)",
            new DataFile("test-us-4options.jsonl",
                    "https://raw.githubusercontent.com/Teddy-XiongGZ/MIRAGE/main/rawdata/medqa/data_clean/questions/US/4_options/phrases_no_exclude_test.jsonl",
                    2075679, "c3b905ccfa66152dc25afbcb2c10e86c0bdb208824f0658fcdb2c040f60a2beb")),
    MEDMCQA("medmcqa", "MedMCQA dev split: 4,183 questions with subjects", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/medmcqa/)",
            new DataFile("dev.jsonl", "https://raw.githubusercontent.com/Teddy-XiongGZ/MIRAGE/main/rawdata/medmcqa/data/dev.json",
                    2594517, "a2b5f53890f4e742b728378fb847bc5338088d48ea01218676379f587270af31")),
    MMLU_MED("mmlu-med", "MMLU medical subjects, test split: 1,089 questions in six subjects", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/mmlu/data/test/)",
            mmlu("anatomy", 29844, "966dfd5c4579885ebdb8c05d6754ae5834f672632586d8595be3c0f9360e6f4e"),
            mmlu("clinical_knowledge", 56562, "06a1ea973000d5ef5d2664c4ac1c68d0423f1cab6b3b682be7942633740811f1"),
            mmlu("college_biology", 45351, "e1204cb9d19887ea266145f038b5d4cc1fbc33d7efce186259c4ecca1cbe3119"),
            mmlu("college_medicine", 78334, "9c533cfff89edaa317b2e79bbabcdd5e2e522e019679cb4a6475e5f2a1861b1e"),
            mmlu("medical_genetics", 18520, "cc30c698e94f12c00e610a39c62d1a1d9587fa53c005359317346081f722c5e6"),
            mmlu("professional_medicine", 211585, "a034bf0dda10cb0848bdd3097eb1547d61ca2dac9e9b871563691621c38d51e9")),
    DEID("deid", "PhysioNet de-identification gold corpus: 2,434 nursing notes, 1,779 PHI spans (surrogate PHI)",
            "PhysioNet (see its LICENSE; the deid software is GPL-2.0)", "github.com/MingzheHu-Duke/deid2021",
            new DataFile("id.text", "https://raw.githubusercontent.com/MingzheHu-Duke/deid2021/main/id.text",
                    2153489, "0fc13eb19a39d7501d04f49e9f3aaef9ab979e12afd83073cf5d0b6a6ce3033c"),
            new DataFile("id-phi.phrase", "https://raw.githubusercontent.com/MingzheHu-Duke/deid2021/main/id-phi.phrase",
                    50850, "4705a99c4ab25256095b9058cc66a143da249c310be0b56e9fbf70cc85959485")),
    DRUGS("drugs", "DrugBank open vocabulary: 16,581 drug names with synonyms", "CC0",
            "github.com/fastdatascience/drug_named_entity_recognition (drugfinder/drugbank vocabulary.csv)",
            new DataFile("drugbank-open-vocabulary.csv",
                    "https://raw.githubusercontent.com/fastdatascience/drug_named_entity_recognition/a6d6819d89608a5caa8b7dc3b80af64b33c0e5f5/drugfinder/drugbank%20vocabulary.csv",
                    2379200, "4d417c6eafa258d23e06bcd4c3f966cf782eb22b79402d2ad5a5c219ad719e79"));

    /** One file of a data set: its name in the data folder, where it is published, and its size and SHA-256. */
    public record DataFile(String name, String url, long size, String sha256) {
    }

    private final String id;
    private final String description;
    private final String licence;
    private final String source;
    private final List<DataFile> files;

    DataSet(String id, String description, String licence, String source, DataFile... files) {
        this.id = id;
        this.description = description;
        this.licence = licence;
        this.source = source;
        this.files = List.of(files);
    }

    private static DataFile mmlu(String subject, long size, String sha256) {
        return new DataFile(subject + "_test.csv",
                "https://raw.githubusercontent.com/Teddy-XiongGZ/MIRAGE/main/rawdata/mmlu/data/test/" + subject + "_test.csv",
                size, sha256);
    }

    /** The folder name, also the name users type ({@code medgemma data fetch pubmedqa}). */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public String licence() {
        return licence;
    }

    /** The public repository the files come from. */
    public String source() {
        return source;
    }

    public List<DataFile> files() {
        return files;
    }

    /** The data set of that name (as {@link #id()}), case-insensitive. */
    public static Optional<DataSet> byId(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(d -> d.id.equals(n)).findFirst();
    }

    /** The files of this set missing from {@code dataDir} (all present: empty). */
    public List<DataFile> missingIn(Path dataDir) {
        return files.stream().filter(f -> !Files.isRegularFile(dataDir.resolve(id).resolve(f.name()))).toList();
    }

    /** This set's folder inside {@code dataDir}. */
    public Path folderIn(Path dataDir) {
        return dataDir.resolve(id);
    }

    /**
     * The data folders searched for data sets, in order: $MEDGEMMA_DATA, then the store's {@code data/}
     * folder ($MEDGEMMA_HOME/data or ~/.cache/medgemma4j/data), where {@code medgemma data fetch} puts them.
     */
    public static List<Path> searchPath() {
        String env = System.getenv("MEDGEMMA_DATA");
        String home = System.getenv("MEDGEMMA_HOME");
        Path store = (home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".cache", "medgemma4j"))
                .resolve("data");
        return env != null && !env.isBlank() ? List.of(Path.of(env), store) : List.of(store);
    }

    /** This set's folder in the first data folder that holds all its files. */
    public Optional<Path> locate() {
        return searchPath().stream().filter(d -> missingIn(d).isEmpty()).findFirst().map(this::folderIn);
    }

    /** As {@link #locate()}, or an exception telling the user how to get the set. */
    public Path require() throws IOException {
        return locate().orElseThrow(() -> new IOException("data set '" + id + "' not found in " + searchPath()
                + ": run `medgemma data fetch " + id + "` (" + description + "; from " + source + ", " + licence
                + ") or set MEDGEMMA_DATA to a folder holding " + id + "/"));
    }
}
