package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.HfClient;
import org.medgemma4j.store.ModelRef;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.Puller;
import org.medgemma4j.store.StoreException;

/**
 * Ollama's model management over our stores: {@code /api/pull} downloads into our store with the store's
 * {@link Puller} (Hugging Face references and catalog names, as {@code medgemma pull} takes them) and streams
 * Ollama's progress lines; {@code /api/delete} removes a model from our store (unloading it first);
 * {@code /api/copy} names a model again (a manifest copy in Ollama's store, a hard link in ours). Models
 * pulled by Ollama are Ollama's to delete. A server started with {@code -m} serves only those models and
 * refuses these.
 */
final class ModelAdmin {

    /** Least time between two progress lines of one download. */
    private static final long PROGRESS_NANOS = 100_000_000L;

    private final ModelPool pool;
    private final HfClient hf;
    private final ObjectMapper json;

    ModelAdmin(ModelPool pool, HfClient hf, ObjectMapper json) {
        this.pool = pool;
        this.hf = hf;
        this.json = json;
    }

    private ModelLibrary stores() {
        ModelLibrary l = pool.library();
        if (!l.managesStores()) {
            throw ApiException.badRequest("this server serves only the models given with -m; start `medgemma serve` "
                    + "without -m to pull, delete and copy models");
        }
        return l;
    }

    void pull(Exchange ex, JsonBody request) throws IOException {
        ModelStore store = stores().store();
        String name = request.string("model", request.string("name", null));
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("'model' is required");
        }
        ModelRef ref;
        try {
            ref = ModelRef.parse(name);
        } catch (StoreException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (ref instanceof ModelRef.LocalFile) {
            throw ApiException.badRequest("'" + name + "' is a file name; pull takes hf.co/ORG/REPO:QUANT, "
                    + "ORG/REPO/FILE.gguf or a catalog name");
        }
        boolean stream = request.bool("stream", true);
        if (stream) {
            ex.startStream("application/x-ndjson");
            status(ex, "pulling manifest");
        }
        try {
            new Puller(store, hf, stream ? new Progress(ex) : DownloadProgress.NONE).pull(ref);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the client went away while progress was written
        } catch (StoreException e) {
            throw new ApiException(e.getMessage().contains("not found") || e.getMessage().contains("unknown model")
                    ? 404 : 502, "pull " + name + ": " + e.getMessage(), null);
        }
        if (stream) {
            status(ex, "verifying sha256 digest");
            status(ex, "writing manifest");
            status(ex, "success");
        } else {
            send(ex, json.createObjectNode().put("status", "success"));
        }
    }

    void delete(Exchange ex, JsonBody request) throws IOException {
        ModelLibrary library = stores();
        ModelLibrary.Entry e = pool.entry(request.string("model", request.string("name", null)));
        if (!e.path().toAbsolutePath().startsWith(library.store().modelsDir().toAbsolutePath())) {
            throw ApiException.badRequest(e.name() + " belongs to Ollama; remove it with: ollama rm " + e.name());
        }
        pool.forget(e.path());
        library.store().delete(e.path());
        ex.send(200, "application/json", "");
    }

    void copy(Exchange ex, JsonBody request) throws IOException {
        ModelLibrary library = stores();
        ModelLibrary.Entry source = pool.entry(request.requiredString("source"));
        String destination = request.requiredString("destination");
        if (destination.isBlank()) {
            throw ApiException.badRequest("'destination' must not be empty");
        }
        if (library.find(destination).isPresent()) {
            throw ApiException.badRequest("a model named " + destination + " exists already");
        }
        try {
            if (source.source().equals("ollama")) {
                library.ollama().copy(source.name(), destination);
            } else if (ModelRef.parse(destination) instanceof ModelRef.HfFile f) {
                Path target = library.store().pathOf(f);
                Files.createDirectories(target.getParent());
                try {
                    Files.createLink(target, source.path());
                } catch (UnsupportedOperationException | IOException noLink) {
                    Files.copy(source.path(), target);
                }
            } else {
                throw ApiException.badRequest("a model of our store is copied to another ORG/REPO/FILE.gguf name, not '"
                        + destination + "'");
            }
        } catch (StoreException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ex.send(200, "application/json", "");
    }

    private void status(Exchange ex, String status) throws IOException {
        ex.chunk(json.writeValueAsString(json.createObjectNode().put("status", status)) + "\n");
    }

    private void send(Exchange ex, ObjectNode n) throws IOException {
        ex.send(200, "application/json; charset=utf-8", json.writeValueAsString(n));
    }

    /** Ollama's download lines: {"status":"pulling DIGEST","digest","total","completed"}, at most every 100 ms. */
    private final class Progress implements DownloadProgress {
        private final Exchange ex;
        private String digest = "";
        private String label;
        private long total;
        private long completed;
        private long lastLine;

        Progress(Exchange ex) {
            this.ex = ex;
        }

        @Override
        public void expect(String sha256) {
            digest = "sha256:" + sha256;
        }

        @Override
        public void start(String name, long total, long done) {
            this.label = digest.isEmpty() ? name : digest.substring(7, 19);
            this.total = total;
            this.completed = done;
            line();
        }

        @Override
        public void advance(long bytes) {
            completed += bytes;
            if (System.nanoTime() - lastLine >= PROGRESS_NANOS) {
                line();
            }
        }

        @Override
        public void close() {
            line();
            digest = "";
        }

        private void line() {
            lastLine = System.nanoTime();
            ObjectNode n = json.createObjectNode().put("status", "pulling " + label).put("digest", digest)
                    .put("total", total).put("completed", completed);
            try {
                ex.chunk(json.writeValueAsString(n) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
