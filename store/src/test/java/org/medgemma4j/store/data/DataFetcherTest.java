package org.medgemma4j.store.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.FileServerStandIn;
import org.medgemma4j.store.StoreException;
import org.medgemma4j.store.data.DataFetcher.Outcome;

/** {@code data fetch} against a local stand-in for the public host, with the same downloader as pull. */
class DataFetcherTest {

    @TempDir
    Path dir;
    FileServerStandIn server;
    byte[] bytes;
    DataSet.DataFile file;

    @BeforeEach
    void start() throws Exception {
        server = new FileServerStandIn();
        bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        server.files.put("set/records.jsonl", bytes);
        file = new DataSet.DataFile("records.jsonl", server.baseUrl() + "/set/records.jsonl", bytes.length, sha256(bytes));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DataFetcher fetcher(String mirror) {
        return new DataFetcher(dir.resolve("data"), mirror, DownloadProgress.NONE);
    }

    private Path target() {
        return dir.resolve("data/set/records.jsonl");
    }

    @Test
    void downloadsTheWholeFileThenKeepsItWithoutAskingAgain() throws Exception {
        DataFetcher.Fetched f = fetcher(null).fetch("set", file);
        assertThat(f.outcome()).isEqualTo(Outcome.DOWNLOADED);
        assertThat(f.path()).isEqualTo(target());
        assertThat(Files.readAllBytes(target())).isEqualTo(bytes);

        assertThat(fetcher(null).fetch("set", file).outcome()).isEqualTo(Outcome.PRESENT);
        assertThat(server.requests).containsExactly("set/records.jsonl");
    }

    @Test
    void aCutTransferResumesFromWhereItStopped() throws Exception {
        server.cutAfter = 100_000;
        assertThatThrownBy(() -> fetcher(null).fetch("set", file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("set/records.jsonl").hasMessageContaining("of 300000 bytes")
                .hasMessageContaining("run the same command again to resume");
        assertThat(target()).doesNotExist();
        Path partial = dir.resolve("data/set/records.jsonl.partial");
        long saved = Files.size(partial);
        assertThat(saved).as("bytes kept from the cut answer").isBetween(0L, 100_000L);
        assertThat(Files.readAllBytes(partial)).isEqualTo(Arrays.copyOf(bytes, (int) saved));

        assertThat(fetcher(null).fetch("set", file).outcome()).isEqualTo(Outcome.DOWNLOADED);
        // from where it stopped (nothing kept: from the start, as a plain request)
        assertThat(server.ranges).isEqualTo(saved > 0 ? List.of("bytes=" + saved + "-") : List.of());
        assertThat(Files.readAllBytes(target())).isEqualTo(bytes);
        assertThat(partial).doesNotExist();
    }

    @Test
    void aCorruptFileInTheFolderIsReplaced() throws Exception {
        Files.createDirectories(target().getParent());
        byte[] damaged = bytes.clone();
        damaged[12_345] ^= 0x40;
        Files.write(target(), damaged);

        assertThat(fetcher(null).fetch("set", file).outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(Files.readAllBytes(target())).isEqualTo(bytes);
    }

    @Test
    void aChecksumMismatchAfterDownloadIsReportedAndTheBadFileRemoved() throws Exception {
        server.corrupt = true;
        assertThatThrownBy(() -> fetcher(null).fetch("set", file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("SHA-256 mismatch for set/records.jsonl from " + file.url())
                .hasMessageContaining("expected " + file.sha256()).hasMessageContaining("deleted");
        assertThat(target()).doesNotExist();
        assertThat(dir.resolve("data/set/records.jsonl.partial")).doesNotExist();
    }

    @Test
    void aMirrorIsAskedForNameSlashFileInsteadOfThePublicAddress() throws Exception {
        DataSet.DataFile elsewhere = new DataSet.DataFile(file.name(), "https://example.invalid/records.jsonl", file.size(), file.sha256());
        DataFetcher.Fetched f = fetcher(server.baseUrl() + "/").fetch("set", elsewhere);
        assertThat(f.from()).hasToString(server.baseUrl() + "/set/records.jsonl");
        assertThat(Files.readAllBytes(target())).isEqualTo(bytes);
    }

    @Test
    void missingFilesAndBadAddressesAreClear() {
        DataSet.DataFile absent = new DataSet.DataFile("absent.csv", server.baseUrl() + "/set/absent.csv", 10, file.sha256());
        assertThatThrownBy(() -> fetcher(null).fetch("set", absent)).hasMessageContaining("/set/absent.csv: not found (HTTP 404)");
        assertThatThrownBy(() -> fetcher("ftp://mirror.example/data")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) address");
        DataSet.DataFile unreachable = new DataSet.DataFile("x", "http://127.0.0.1:1/x", 10, file.sha256());
        assertThatThrownBy(() -> fetcher(null).fetch("set", unreachable)).hasMessageContaining("network error fetching http://127.0.0.1:1/x");
    }

    /** With the real files at hand, a mirror of them yields exactly the catalog's set, licence included. */
    @Test
    void aMirrorOfTheRealFilesFetchesTheWholeSet() throws Exception {
        Path real = TestData.require(DataSet.MMLU_MED);
        for (DataSet.DataFile f : DataSet.MMLU_MED.downloads()) {
            server.files.put("mmlu-med/" + f.name(), Files.readAllBytes(real.resolve(f.name())));
        }
        List<DataFetcher.Fetched> got = fetcher(server.baseUrl()).fetch(DataSet.MMLU_MED);
        assertThat(got).extracting(DataFetcher.Fetched::outcome).containsOnly(Outcome.DOWNLOADED).hasSize(6);
        assertThat(DataSet.MMLU_MED.missingIn(dir.resolve("data"))).isEmpty();
        assertThat(DataSet.MMLU_MED.locateIn(List.of(dir.resolve("data")))).contains(dir.resolve("data/mmlu-med"));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
