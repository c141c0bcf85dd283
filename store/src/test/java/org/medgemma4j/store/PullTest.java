package org.medgemma4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullTest {

    static final String REPO = "google/medgemma-27b-it-GGUF";
    static final String FILE = "medgemma-27b-it-Q4_K_M.gguf";

    @TempDir
    Path dir;
    HfStandIn hf;
    ModelStore store;
    byte[] model;

    @BeforeEach
    void start() throws Exception {
        hf = new HfStandIn();
        model = SmallGguf.bytes(dir);
        hf.files.put(REPO + "/" + FILE, model);
        hf.files.put(REPO + "/medgemma-27b-it-Q8_0.gguf", model);
        hf.files.put(REPO + "/mmproj-F16.gguf", model);
        store = new ModelStore(dir.resolve("home"));
    }

    @AfterEach
    void stop() {
        hf.close();
    }

    private List<Puller.Pulled> pull(String ref, String token) throws Exception {
        return new Puller(store, new HfClient(hf.endpoint(), token), DownloadProgress.NONE).pull(ModelRef.parse(ref));
    }

    private Path target() {
        return store.modelsDir().resolve(REPO).resolve(FILE);
    }

    @Test
    void pullsTheQuantFollowingTheRedirectAndVerifiesTheSha() throws Exception {
        List<Puller.Pulled> p = pull("hf.co/" + REPO + ":q4_k_m", null);
        assertThat(p).hasSize(2).allSatisfy(x -> assertThat(x.downloaded()).isTrue());
        assertThat(p.get(0).imageEncoder()).isFalse();
        assertThat(Files.readAllBytes(target())).isEqualTo(model);
        assertThat(store.list()).extracting(StoredModel::ref).containsExactly(REPO + "/" + FILE);
        assertThat(pull("hf.co/" + REPO, null)).hasSize(2).allSatisfy(x -> assertThat(x.downloaded()).isFalse());
        assertThat(new ModelResolver(store, new OllamaStore(dir.resolve("no-ollama"))).resolve("hf.co/" + REPO))
                .isEqualTo(target());
    }

    @Test
    void anInterruptedTransferResumesWithARangeRequest() throws Exception {
        hf.cutAfter = model.length / 2;
        assertThatThrownBy(() -> pull(REPO + "/" + FILE, null))
                .isInstanceOf(StoreException.class).hasMessageContaining("interrupted").hasMessageContaining("resume");
        assertThat(target()).doesNotExist();
        Path partial = ModelStore.partialOf(target());
        long saved = Files.size(partial); // what the client kept of the cut answer (FileServerStandIn.serve)
        assertThat(saved).isBetween(0L, (long) model.length / 2);
        assertThat(Files.readAllBytes(partial)).isEqualTo(Arrays.copyOf(model, (int) saved));

        pull(REPO + "/" + FILE, null);
        // from where it stopped (nothing kept: from the start, as a plain request)
        assertThat(hf.ranges).isEqualTo(saved > 0 ? List.of("bytes=" + saved + "-") : List.of());
        assertThat(Files.readAllBytes(target())).isEqualTo(model);
        assertThat(partial).doesNotExist();
    }

    @Test
    void aCorruptedByteIsAHashMismatchAndLeavesNothingInTheStore() throws Exception {
        hf.corrupt = true;
        assertThatThrownBy(() -> pull("hf.co/" + REPO + ":Q4_K_M", null))
                .hasMessageContaining("SHA-256 mismatch").hasMessageContaining("deleted");
        assertThat(store.list()).isEmpty();
        assertThat(ModelStore.partialOf(target())).doesNotExist();
    }

    @Test
    void aGatedRepositoryExplainsTheTermsAndTheToken() throws Exception {
        hf.requiredToken = "hf_secret";
        assertThatThrownBy(() -> pull("hf.co/" + REPO, null))
                .hasMessageContaining("gated").hasMessageContaining("https://huggingface.co/" + REPO)
                .hasMessageContaining("HF_TOKEN");
        pull("hf.co/" + REPO, "hf_secret");
        assertThat(hf.auth).contains("Bearer hf_secret");
        assertThat(target()).exists();
    }

    @Test
    void anUnknownQuantListsTheAvailableOnes() {
        assertThatThrownBy(() -> pull("hf.co/" + REPO + ":Q5_K_S", null))
                .hasMessageContaining("no Q5_K_S GGUF in " + REPO).hasMessageContaining("Q4_K_M, Q8_0")
                .hasMessageNotContaining("mmproj");
    }

    @Test
    void aDownloadThatIsNotGgufIsRefused() throws Exception {
        hf.files.put(REPO + "/medgemma-27b-it-Q6_K.gguf", "<html>not a model</html>".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> pull("hf.co/" + REPO + ":Q6_K", null))
                .hasMessageContaining("not a usable GGUF file").hasMessageContaining("deleted");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void aRepositoryPullBringsTheF16ImageEncoderBesideTheModel() throws Exception {
        byte[] q8Encoder = SmallGguf.bytes(dir);
        q8Encoder[q8Encoder.length - 1] ^= 1; // other bytes than the F16 one, so which was fetched shows
        hf.files.put(REPO + "/mmproj-Q8_0.gguf", q8Encoder);
        List<Puller.Pulled> p = pull("hf.co/" + REPO + ":Q4_K_M", null);
        assertThat(p).extracting(Puller.Pulled::imageEncoder).containsExactly(false, true);
        Path encoder = target().resolveSibling("mmproj-F16.gguf");
        assertThat(p.get(1).path()).isEqualTo(encoder);
        assertThat(p.get(1).file().toString()).isEqualTo(REPO + "/mmproj-F16.gguf");
        assertThat(Files.readAllBytes(encoder)).isEqualTo(model);
        assertThat(target().resolveSibling("mmproj-Q8_0.gguf")).doesNotExist();
        // not a model: neither listed nor the answer to the repository's reference
        assertThat(store.list()).extracting(StoredModel::ref).containsExactly(REPO + "/" + FILE);
    }

    @Test
    void theOnlyImageEncoderIsTakenWhateverItsTypeAndNamedSoItIsFound() throws Exception {
        hf.files.remove(REPO + "/mmproj-F16.gguf");
        hf.files.put(REPO + "/medgemma-27b-it-vision-mmproj-BF16.gguf", model);
        List<Puller.Pulled> p = pull("hf.co/" + REPO + ":Q4_K_M", null);
        assertThat(p).hasSize(2);
        assertThat(p.get(1).path()).isEqualTo(target().resolveSibling("mmproj-medgemma-27b-it-vision-mmproj-BF16.gguf"));
        assertThat(p.get(1).path()).exists();
    }

    @Test
    void aRepositoryWithoutAnImageEncoderPullsTheModelAlone() throws Exception {
        hf.files.remove(REPO + "/mmproj-F16.gguf");
        assertThat(pull("hf.co/" + REPO + ":Q4_K_M", null)).singleElement()
                .satisfies(x -> assertThat(x.imageEncoder()).isFalse());
        assertThat(pull(REPO + "/medgemma-27b-it-Q8_0.gguf", null)).singleElement(); // a file pull takes that file only
    }

    @Test
    void theImageEncoderGoesWithTheLastModelOfItsFolder() throws Exception {
        pull("hf.co/" + REPO + ":Q4_K_M", null);
        pull("hf.co/" + REPO + ":Q8_0", null);
        Path encoder = target().resolveSibling("mmproj-F16.gguf");
        Path q8 = target().resolveSibling("medgemma-27b-it-Q8_0.gguf");
        assertThat(store.delete(target())).containsExactly(target());
        assertThat(encoder).exists();
        assertThat(store.delete(q8)).containsExactly(q8, encoder);
        assertThat(encoder).doesNotExist();
        assertThat(store.modelsDir().resolve(REPO)).doesNotExist();
    }

    @Test
    void missingRepositoriesAndFilesAreClear() {
        assertThatThrownBy(() -> pull("hf.co/nobody/nothing", null)).hasMessageContaining("not found");
        assertThatThrownBy(() -> pull(REPO + "/absent.gguf", null)).hasMessageContaining("not found");
        assertThatThrownBy(() -> new Puller(store, new HfClient("http://127.0.0.1:1", null), DownloadProgress.NONE)
                .pull(ModelRef.parse(REPO + "/" + FILE))).hasMessageContaining("network error");
    }
}
