package org.medgemma4j.store.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.medgemma4j.store.Downloader;

/** The catalog describes the real files: same names, sizes and SHA-256 as the data folder the tests read. */
class DataSetTest {

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void catalogMatchesTheRealFiles(DataSet set) throws Exception {
        Path dir = TestData.require(set);
        for (DataSet.DataFile f : set.downloads()) {
            Path file = dir.resolve(f.name());
            if (set.licenceFile().equals(Optional.of(f)) && !Files.exists(file)) {
                continue; // a data folder copied by hand may lack the licence text; fetch always brings it
            }
            assertThat(Files.size(file)).as(file.toString()).isEqualTo(f.size());
            assertThat(Downloader.sha256(file)).as(file.toString()).isEqualTo(f.sha256());
        }
    }

    /** A branch moves; a commit does not: every address names the commit whose files the checksums describe. */
    @ParameterizedTest
    @EnumSource(DataSet.class)
    void everyAddressIsPinnedToACommit(DataSet set) {
        assertThat(set.downloads()).allSatisfy(f -> assertThat(f.url())
                .matches("https://raw\\.githubusercontent\\.com/[\\w.-]+/[\\w.-]+/[0-9a-f]{40}/\\S+")
                .endsWith(f.name().equals("dev.jsonl") ? "/dev.json" : "")
                .satisfies(u -> assertThat(f.sha256()).matches("[0-9a-f]{64}")));
    }

    @Test
    void namesAreFoundWhateverTheirCase() {
        assertThat(DataSet.byId("MMLU-Med")).contains(DataSet.MMLU_MED);
        assertThat(DataSet.byId("nope")).isEmpty();
    }

    @Test
    void anAbsentSetSaysWhereItLookedAndTheCommandThatFetchesIt(@TempDir Path empty) {
        assertThat(DataSet.PUBMEDQA.locateIn(List.of(empty))).isEmpty();
        assertThat(DataSet.PUBMEDQA.notFound(List.of(empty, empty.resolve("store"))).getMessage())
                .contains("data set 'pubmedqa'").contains("not found in " + empty + " or " + empty.resolve("store"))
                .contains("run `medgemma data fetch pubmedqa`").contains("licence MIT").contains("github.com/pubmedqa/pubmedqa")
                .contains("MEDGEMMA_DATA").contains("pubmedqa/ori_pqal.json, pubmedqa/test_ground_truth.json");
    }
}
