package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.FileServerStandIn;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;

/** {@code medgemma data fetch/list/path} on a temporary data folder, fetching from a local stand-in mirror. */
class DataCommandTest {

    @TempDir
    Path dir;
    FileServerStandIn mirror;

    @BeforeEach
    void start() throws Exception {
        mirror = new FileServerStandIn();
    }

    @AfterEach
    void stop() {
        mirror.close();
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    /** Serves {@code set}'s real files on the mirror as NAME/FILE (the test is skipped without them). */
    private void mirrorOf(DataSet set) throws Exception {
        Path real = TestData.require(set);
        for (DataSet.DataFile f : set.downloads()) {
            mirror.files.put(set.id() + "/" + f.name(), Files.readAllBytes(real.resolve(f.name())));
        }
    }

    @Test
    void anEmptyFolderListsEverySetAsMissingWithItsSizeSourceAndLicence() {
        CliRun r = CliRun.of("data", "list", "--dir", data());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (DataSet set : DataSet.values()) {
            assertThat(r.out()).contains(set.id()).contains(set.source()).contains("licence " + set.licence())
                    .contains("medgemma data fetch " + set.id());
        }
        assertThat(r.out()).containsPattern("pubmedqa +missing +2\\.6 MB").contains("searched " + data());
    }

    @Test
    void fetchThenListThenPath() throws Exception {
        mirrorOf(DataSet.MMLU_MED);
        mirrorOf(DataSet.MEDQA);
        CliRun fetched = CliRun.of("data", "fetch", "mmlu-med", "MedQA", "--dir", data(), "--base-url", mirror.baseUrl());
        assertThat(fetched.exitCode()).as(fetched.err()).isZero();
        assertThat(fetched.out()).contains("downloaded  mmlu-med/anatomy_test.csv (29.8 kB) from " + mirror.baseUrl() + "/mmlu-med/anatomy_test.csv")
                .contains("downloaded  medqa/test-us-4options.jsonl (2.1 MB)").contains("downloaded  medqa/LICENSE (1.1 kB)").contains("medqa: ready in " + dir.resolve("data/medqa") + " (licence MIT)");
        assertThat(DataSet.MEDQA.missingIn(dir.resolve("data"))).isEmpty();

        CliRun again = CliRun.of("data", "fetch", "medqa", "--dir", data(), "--base-url", mirror.baseUrl());
        assertThat(again.out()).contains("present     medqa/test-us-4options.jsonl (checksum verified)").doesNotContain("downloaded");

        assertThat(CliRun.of("data", "list", "--dir", data()).out())
                .containsPattern("medqa +present +2\\.1 MB  " + dir.resolve("data/medqa"))
                .containsPattern("pubmedqa +missing");
        CliRun path = CliRun.of("data", "path", "mmlu-med", "--dir", data());
        assertThat(path.exitCode()).as(path.err()).isZero();
        assertThat(path.out().strip()).isEqualTo(dir.resolve("data/mmlu-med").toString());
    }

    @Test
    void aCorruptFileInTheFolderIsReplacedAndAPartialSetListedAsIncomplete() throws Exception {
        mirrorOf(DataSet.MMLU_MED);
        Path anatomy = dir.resolve("data/mmlu-med/anatomy_test.csv");
        Files.createDirectories(anatomy.getParent());
        Files.writeString(anatomy, "not the questions\n");
        assertThat(CliRun.of("data", "list", "--dir", data()).out())
                .containsPattern("mmlu-med +incomplete .* lacks clinical_knowledge_test.csv");

        CliRun r = CliRun.of("data", "fetch", "mmlu-med", "--dir", data(), "--base-url", mirror.baseUrl());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("replaced    mmlu-med/anatomy_test.csv (its checksum differed");
        assertThat(Files.size(anatomy)).isEqualTo(29844);
    }

    @Test
    void aSetTheMirrorLacksIsReportedAndTheOthersStillFetched() throws Exception {
        mirrorOf(DataSet.MMLU_MED);
        CliRun r = CliRun.of("data", "fetch", "drugs", "mmlu-med", "--dir", data(), "--base-url", mirror.baseUrl());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("medgemma: data set drugs: " + mirror.baseUrl() + "/drugs/drugbank-open-vocabulary.csv: not found (HTTP 404)")
                .contains("1 of 2 data sets not fetched");
        assertThat(r.out()).contains("mmlu-med: ready in");
    }

    @Test
    void badNamesAndAbsentSetsAreOneClearLine() {
        CliRun unknown = CliRun.of("data", "fetch", "nosuchset", "--dir", data());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("medgemma: unknown data set 'nosuchset': the data sets are pubmedqa, medqa");

        CliRun absent = CliRun.of("data", "path", "deid", "--dir", data());
        assertThat(absent.exitCode()).isEqualTo(1);
        assertThat(absent.out()).isEmpty();
        assertThat(absent.err()).startsWith("medgemma: data set 'deid'").contains("not found in " + data())
                .contains("run `medgemma data fetch deid`").contains("deid/id.text, deid/id-phi.phrase");

        CliRun noSubcommand = CliRun.of("data");
        assertThat(noSubcommand.exitCode()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("Missing required subcommand").contains("fetch").contains("path");

        CliRun badMirror = CliRun.of("data", "fetch", "medqa", "--dir", data(), "--base-url", "ftp://mirror.example/data");
        assertThat(badMirror.err()).startsWith("medgemma: not an http(s) address: ftp://mirror.example/data/");
    }
}
