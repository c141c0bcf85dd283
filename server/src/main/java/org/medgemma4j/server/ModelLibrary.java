package org.medgemma4j.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.store.ModelRef;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.store.StoreException;
import org.medgemma4j.store.StoredModel;

/**
 * The models a server may serve, by name: those named when it started, or every model in our store and
 * Ollama's, listed afresh on each look-up (so a model pulled meanwhile is found). Names are as
 * {@code medgemma list} shows them (ORG/REPO/FILE.gguf, medgemma:4b), Ollama's implicit ":latest" allowed;
 * with the stores, any pulled reference (hf.co/ORG/REPO:QUANT, a catalog name) is found too. Clients can never
 * name a file by path.
 */
public final class ModelLibrary {

    /** A servable model. */
    public record Entry(String name, Path path, long bytes, String source) {
    }

    private final List<Entry> named;
    private final ModelStore store;
    private final OllamaStore ollama;
    private final Map<Path, ModelCard> cards = new ConcurrentHashMap<>();
    /** Image encoders given for model files (serve --mmproj); the others are looked for beside their file. */
    private final Map<Path, Path> mmprojs = new ConcurrentHashMap<>();

    private ModelLibrary(List<Entry> named, ModelStore store, OllamaStore ollama) {
        this.named = named;
        this.store = store;
        this.ollama = ollama;
    }

    /** Only these models (serve -m), by the names clients use. */
    public static ModelLibrary of(java.util.Map<String, Path> models) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Path> m : models.entrySet()) {
            out.add(new Entry(m.getKey(), m.getValue(), Files.size(m.getValue()), "file"));
        }
        return new ModelLibrary(out, null, null);
    }

    /** Every model in the two stores. */
    public static ModelLibrary stores(ModelStore store, OllamaStore ollama) {
        return new ModelLibrary(null, store, ollama);
    }

    /** True when the library is the stores (pull, delete and copy work on them). */
    boolean managesStores() {
        return store != null;
    }

    ModelStore store() {
        return store;
    }

    OllamaStore ollama() {
        return ollama;
    }

    public List<Entry> list() throws IOException {
        if (named != null) {
            return named;
        }
        List<Entry> out = new ArrayList<>();
        for (StoredModel m : store.list()) {
            out.add(new Entry(m.ref(), m.path(), m.bytes(), m.source()));
        }
        for (StoredModel m : ollama.list()) {
            out.add(new Entry(m.ref(), m.path(), m.bytes(), m.source()));
        }
        return out;
    }

    /** The model a client's name means, if any. */
    Optional<Entry> find(String name) throws IOException {
        for (Entry e : list()) {
            if (ModelCard.sameName(e.name(), name)) {
                return Optional.of(e);
            }
        }
        if (named != null) {
            return Optional.empty();
        }
        ModelRef ref;
        try {
            ref = ModelRef.parse(name);
        } catch (IllegalArgumentException | StoreException e) {
            return Optional.empty();
        }
        if (ref instanceof ModelRef.LocalFile) {
            return Optional.empty(); // a client may not make the server open a path
        }
        try {
            Path p = new ModelResolver(store, ollama).resolve(ref);
            return Optional.of(new Entry(name, p, Files.size(p), p.startsWith(ollama.root()) ? "ollama" : "store"));
        } catch (StoreException e) {
            return Optional.empty();
        }
    }

    /** Serves {@code model} with the image encoder {@code mmproj} (serve --mmproj) rather than one found beside it. */
    public ModelLibrary withMmproj(Path model, Path mmproj) {
        mmprojs.put(model.toAbsolutePath(), mmproj);
        return this;
    }

    /**
     * The image encoder of a model file: the one given, else the one mmproj*.gguf beside it; empty for none.
     * Several beside it are an IOException that names them.
     */
    Optional<Path> mmproj(Path model) throws IOException {
        Path given = mmprojs.get(model.toAbsolutePath());
        return given != null ? Optional.of(given) : Optional.ofNullable(org.medgemma4j.vision.VisionModel.findBeside(model));
    }

    /** Whether the model has an image encoder (for /api/show's and /v1/models' capabilities). */
    boolean hasVision(Entry e) {
        try {
            return mmproj(e.path()).isPresent();
        } catch (IOException ex) {
            return false;
        }
    }

    /** The model's card for lists (read from its header once per file). */
    ModelCard card(Entry e) throws IOException {
        ModelCard c = cards.get(e.path());
        if (c == null) {
            try (GgufFile f = GgufFile.open(e.path())) {
                c = new ModelCard(e.name(), f, null);
            }
            cards.put(e.path(), c);
        }
        return c.name().equals(e.name()) ? c : c.named(e.name());
    }
}
