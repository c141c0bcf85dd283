package org.medgemma4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.fit.FitPlanner;
import org.medgemma4j.store.fit.FitReport;
import org.medgemma4j.store.fit.Machine;
import org.medgemma4j.store.fit.ModelShape;
import org.medgemma4j.testing.FixtureModels;

/** fit plans for a file on Hugging Face from its header alone, fetched with Range requests. */
class RemoteHeaderTest {

    static final String REPO = "google/medgemma-4b-it-GGUF";

    @TempDir
    Path dir;

    @Test
    void theHeaderReadRemotelyGivesTheSamePlanAsTheFileWithoutDownloadingIt() throws Exception {
        Path local = FixtureModels.quantized(FixtureModels.TINY, "Q4_K_M");
        byte[] bytes = Files.readAllBytes(local);
        try (HfStandIn hf = new HfStandIn(); GgufFile g = GgufFile.open(local)) {
            hf.files.put(REPO + "/medgemma-4b-it-Q4_K_M.gguf", bytes);
            RemoteHeader remote = new RemoteHeader(new HfClient(hf.endpoint(), null));
            ModelShape fromRemote = ModelShape.of(remote.read((ModelRef.HfRepo) ModelRef.parse("hf.co/" + REPO + ":Q4_K_M")));
            ModelShape fromFile = ModelShape.of(g);
            assertThat(fromRemote.weightBytes()).isEqualTo(fromFile.weightBytes());
            assertThat(fromRemote.config()).isEqualTo(fromFile.config());
            Machine m = Machine.detect();
            FitReport a = FitPlanner.plan(fromRemote, 4096, KvCacheType.F16, FitPlanner.DEFAULT_BATCH, m);
            FitReport b = FitPlanner.plan(fromFile, 4096, KvCacheType.F16, FitPlanner.DEFAULT_BATCH, m);
            assertThat(a.totalBytes()).isEqualTo(b.totalBytes());
            // only the beginning of the file was fetched: the header (vocabulary and tensor table)
            long fetched = hf.ranges.stream().mapToLong(RemoteHeaderTest::rangeLength).sum();
            assertThat(fetched).isLessThan(bytes.length / 2);
            assertThat(hf.ranges).allMatch(r -> r.startsWith("bytes=0-"));
        }
    }

    @Test
    void aFileThatIsNotGgufIsAClearError() throws Exception {
        try (HfStandIn hf = new HfStandIn()) {
            hf.files.put(REPO + "/medgemma-4b-it-Q4_K_M.gguf", "<html>not a model</html>".getBytes());
            RemoteHeader remote = new RemoteHeader(new HfClient(hf.endpoint(), null));
            assertThatThrownBy(() -> remote.read((ModelRef.HfRepo) ModelRef.parse("hf.co/" + REPO)))
                    .hasMessageContaining("not a GGUF file");
        }
    }

    private static long rangeLength(String range) {
        String[] r = range.substring("bytes=".length()).split("-");
        return Long.parseLong(r[1]) - Long.parseLong(r[0]) + 1;
    }
}
