package org.medgemma4j.store.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.medgemma4j.store.ModelStore;

/**
 * The public medical data sets the evaluation harness, retrieval and de-identification read: where each
 * comes from, under which licence, and the SHA-256 of every file as published (a download is checked
 * against it). Files sit under one data folder as {@code NAME/FILE}, the layout of the project's
 * shared data folder, of $MEDGEMMA_DATA, of the store's {@code data/} folder and of a mirror alike.
 */
public enum DataSet {

    PUBMEDQA("pubmedqa", "PubMedQA PQA-L: 1,000 expert-labelled questions with their abstracts, MeSH, yes/no/maybe",
            "MIT", "github.com/pubmedqa/pubmedqa (data/)",
            new DataFile("LICENSE", github(Pinned.PUBMEDQA, "LICENSE"), 1065,
                    "8e75abc6136be91e5ae66dbb6dda07c8bc9dcc215ed3bc1ba3ae7fab7904777e"),
            new DataFile("ori_pqal.json", github(Pinned.PUBMEDQA, "data/ori_pqal.json"), 2584787,
                    "8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d"),
            new DataFile("test_ground_truth.json", github(Pinned.PUBMEDQA, "data/test_ground_truth.json"), 11414,
                    "939fe566f09017d13b1ca64d2ddfee0bc2374b366048152997669cccedc44d51")),
    MEDQA("medqa", "MedQA (USMLE), 4 options, test split: 1,273 questions", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/medqa/)",
            new DataFile("LICENSE", github(Pinned.MIRAGE, "rawdata/medqa/LICENSE"), 1063,
                    "8a35478f13bfaa114cd157592ba06b9a27db0f9767ac1cb9b36d435de6157378"),
            new DataFile("test-us-4options.jsonl",
                    github(Pinned.MIRAGE, "rawdata/medqa/data_clean/questions/US/4_options/phrases_no_exclude_test.jsonl"),
                    2075679, "c3b905ccfa66152dc25afbcb2c10e86c0bdb208824f0658fcdb2c040f60a2beb")),
    // Published as dev.json, but it holds one JSON object a line: stored under the name that says so.
    MEDMCQA("medmcqa", "MedMCQA dev split: 4,183 questions with subjects", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/medmcqa/)",
            new DataFile("LICENSE.md", github(Pinned.MIRAGE, "rawdata/medmcqa/LICENSE.md"), 1064,
                    "aef55ea755c1bf14400349d722ba1d6d0efe56fd03ed74657bcde4c38fb60ad7"),
            new DataFile("dev.jsonl", github(Pinned.MIRAGE, "rawdata/medmcqa/data/dev.json"), 2594517,
                    "a2b5f53890f4e742b728378fb847bc5338088d48ea01218676379f587270af31")),
    MMLU_MED("mmlu-med", "MMLU medical subjects, test split: 1,089 questions in six subjects", "MIT",
            "github.com/Teddy-XiongGZ/MIRAGE (rawdata/mmlu/data/test/)", null,
            mmlu("anatomy", 29844, "966dfd5c4579885ebdb8c05d6754ae5834f672632586d8595be3c0f9360e6f4e"),
            mmlu("clinical_knowledge", 56562, "06a1ea973000d5ef5d2664c4ac1c68d0423f1cab6b3b682be7942633740811f1"),
            mmlu("college_biology", 45351, "e1204cb9d19887ea266145f038b5d4cc1fbc33d7efce186259c4ecca1cbe3119"),
            mmlu("college_medicine", 78334, "9c533cfff89edaa317b2e79bbabcdd5e2e522e019679cb4a6475e5f2a1861b1e"),
            mmlu("medical_genetics", 18520, "cc30c698e94f12c00e610a39c62d1a1d9587fa53c005359317346081f722c5e6"),
            mmlu("professional_medicine", 211585, "a034bf0dda10cb0848bdd3097eb1547d61ca2dac9e9b871563691621c38d51e9")),
    DEID("deid", "PhysioNet de-identification gold corpus: 2,434 nursing notes, 1,779 PHI spans (surrogate PHI)",
            "CC0-1.0 (the repository's LICENSE; the corpus comes from PhysioNet's deid, whose software is GPL-2.0)",
            "github.com/MingzheHu-Duke/deid2021",
            new DataFile("LICENSE", github(Pinned.DEID, "LICENSE"), 7048,
                    "a2010f343487d3f7618affe54f789f5487602331c0a8d03f49e9a7c547cf0499"),
            new DataFile("id.text", github(Pinned.DEID, "id.text"), 2153489,
                    "0fc13eb19a39d7501d04f49e9f3aaef9ab979e12afd83073cf5d0b6a6ce3033c"),
            new DataFile("id-phi.phrase", github(Pinned.DEID, "id-phi.phrase"), 50850,
                    "4705a99c4ab25256095b9058cc66a143da249c310be0b56e9fbf70cc85959485")),
    // The vocabulary was removed from the repository later (2024-07): its last version is pinned by commit.
    DRUGS("drugs", "DrugBank open vocabulary: 16,581 drug names with synonyms", "CC0",
            "github.com/fastdatascience/drug_named_entity_recognition (src/drug_named_entity_recognition/drugbank vocabulary.csv)",
            null,
            new DataFile("drugbank-open-vocabulary.csv", github(Pinned.DRUGS, "src/drug_named_entity_recognition/drugbank%20vocabulary.csv"),
                    2379200, "4d417c6eafa258d23e06bcd4c3f966cf782eb22b79402d2ad5a5c219ad719e79"));

    /** One file of a data set: its name in the data folder, where it is published, and its size and SHA-256. */
    public record DataFile(String name, String url, long size, String sha256) {
    }

    // Each source is pinned to the commit whose files the SHA-256 sums describe, so a later push cannot
    // make a download fail its check (or, worse, change what an evaluation measures).
    private static final class Pinned {
        static final String PUBMEDQA = "pubmedqa/pubmedqa/1cbae8e92f72f20c8d3747cbb3bf5bc53554d997";
        static final String MIRAGE = "Teddy-XiongGZ/MIRAGE/392943af99cd94cafd50a0de2e7fca24bbf65494";
        static final String DEID = "MingzheHu-Duke/deid2021/0574ecdec4f87c728c811b38a88d028e9f21e160";
        static final String DRUGS = "fastdatascience/drug_named_entity_recognition/beec117c8e61a21f074d68d12dc6a963fc9848bb";
    }

    private final String id;
    private final String description;
    private final String licence;
    private final String source;
    private final Optional<DataFile> licenceFile;
    private final List<DataFile> files;

    /** {@code licenceFile}: the licence text published beside the data (null when none is), fetched with it. */
    DataSet(String id, String description, String licence, String source, DataFile licenceFile, DataFile... files) {
        this.id = id;
        this.description = description;
        this.licence = licence;
        this.source = source;
        this.licenceFile = Optional.ofNullable(licenceFile);
        this.files = List.of(files);
    }

    private static String github(String repoAtCommit, String path) {
        return "https://raw.githubusercontent.com/" + repoAtCommit + "/" + path;
    }

    private static DataFile mmlu(String subject, long size, String sha256) {
        return new DataFile(subject + "_test.csv", github(Pinned.MIRAGE, "rawdata/mmlu/data/test/" + subject + "_test.csv"), size, sha256);
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

    /** The data files, which readers open (the licence file is not among them). */
    public List<DataFile> files() {
        return files;
    }

    /** The licence text published beside the data, when there is one. */
    public Optional<DataFile> licenceFile() {
        return licenceFile;
    }

    /** Every file {@code medgemma data fetch} downloads: the licence file, if any, then the data files. */
    public List<DataFile> downloads() {
        return licenceFile.map(l -> Stream.concat(Stream.of(l), files.stream()).toList()).orElse(files);
    }

    /** The bytes of all {@link #downloads()}. */
    public long size() {
        return downloads().stream().mapToLong(DataFile::size).sum();
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
        Path store = ModelStore.fromEnvironment().dataDir();
        return env != null && !env.isBlank() ? List.of(Path.of(env), store) : List.of(store);
    }

    /** This set's folder in the first data folder that holds all its files. */
    public Optional<Path> locate() {
        return locateIn(searchPath());
    }

    /** This set's folder in the first of {@code dataDirs} that holds all its files. */
    public Optional<Path> locateIn(List<Path> dataDirs) {
        return dataDirs.stream().filter(d -> missingIn(d).isEmpty()).findFirst().map(this::folderIn);
    }

    /** As {@link #locate()}, or an exception telling the user exactly how to get the set. */
    public Path require() throws IOException {
        return locate().orElseThrow(() -> notFound(searchPath()));
    }

    /** Why the set is not in {@code dataDirs}, and the command that fetches it. */
    public IOException notFound(List<Path> dataDirs) {
        return new IOException("data set '" + id + "' (" + description + ") not found in "
                + dataDirs.stream().map(Path::toString).collect(Collectors.joining(" or "))
                + ": run `medgemma data fetch " + id + "` to download it (" + String.format(Locale.ROOT, "%.1f MB", size() / 1e6)
                + " from " + source + ", licence " + licence + "), or set MEDGEMMA_DATA to a folder holding "
                + files.stream().map(f -> id + "/" + f.name()).collect(Collectors.joining(", ")) + " (see docs/data.md)");
    }
}
