package org.medgemma4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.medgemma4j.store.fit.Catalog;

/**
 * Turns a reference into a local GGUF path without downloading: a file as given, a pulled file in
 * our store, or a model Ollama has already pulled (used in place). A model that is not here yet is
 * an error saying how to pull it.
 */
public final class ModelResolver {

    private final ModelStore store;
    private final OllamaStore ollama;

    public ModelResolver(ModelStore store, OllamaStore ollama) {
        this.store = store;
        this.ollama = ollama;
    }

    public static ModelResolver fromEnvironment() {
        return new ModelResolver(ModelStore.fromEnvironment(), OllamaStore.fromEnvironment());
    }

    public Path resolve(String text) throws IOException {
        return resolve(ModelRef.parse(text));
    }

    public Path resolve(ModelRef ref) throws IOException {
        return switch (ref) {
            case ModelRef.LocalFile l -> {
                if (!Files.isRegularFile(l.path())) {
                    throw new StoreException(l.path() + ": no such file");
                }
                yield l.path();
            }
            case ModelRef.HfFile f -> {
                Path p = store.pathOf(f);
                if (!Files.isRegularFile(p)) {
                    throw notPulled(f);
                }
                yield p;
            }
            case ModelRef.HfRepo r -> stored(r).or(() -> ollamaFind(r))
                    .orElseThrow(() -> notPulled(r));
            case ModelRef.Named n -> named(n);
        };
    }

    private Path named(ModelRef.Named n) throws IOException {
        Optional<Path> inOllama = ollama.find(n);
        if (inOllama.isPresent()) {
            return inOllama.get();
        }
        Optional<Catalog.Entry> e = Catalog.entry(n);
        if (e.isPresent()) {
            ModelRef.HfRepo r = Catalog.hfRef(e.get(), Catalog.quantOf(n));
            return stored(r).orElseThrow(() -> notPulled(n));
        }
        throw new StoreException("unknown model '" + n + "': not a file, not in the catalog ("
                + String.join(", ", Catalog.ENTRIES.stream().map(Catalog.Entry::name).toList())
                + "), and not an Ollama model in " + ollama.root());
    }

    /** The first (or only) part of the repository's quant in our store. */
    private Optional<Path> stored(ModelRef.HfRepo r) {
        try {
            List<RepoFile> files = store.filesOf(r.org(), r.repo()).stream()
                    .map(m -> new RepoFile(m.ref().substring(r.repoId().length() + 1), m.bytes(), null)).toList();
            if (files.isEmpty()) {
                return Optional.empty();
            }
            RepoFile first = QuantPicker.pick(files, r.quant(), r.repoId()).getFirst();
            return Optional.of(store.pathOf(new ModelRef.HfFile(r.org(), r.repo(), first.path())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> ollamaFind(ModelRef.HfRepo r) {
        try {
            return ollama.find(r);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static StoreException notPulled(ModelRef ref) {
        return new StoreException(ref + " is not downloaded yet: run medgemma pull " + ref);
    }
}
