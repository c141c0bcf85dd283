package org.medgemma4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Our own store: {@code <home>/models/ORG/REPO/FILE.gguf}, home being $MEDGEMMA_HOME or
 * ~/.cache/medgemma4j. Downloads land beside their final name as {@code FILE.gguf.partial} and are
 * moved into place only once verified, so a name ending in .gguf is always a whole, checked file.
 * The public data sets {@code medgemma data fetch} downloads live beside the models in {@code <home>/data}.
 */
public final class ModelStore {

    static final String PARTIAL = ".partial";

    private final Path home;

    public ModelStore(Path home) {
        this.home = home;
    }

    /** The store named by $MEDGEMMA_HOME, else ~/.cache/medgemma4j. */
    public static ModelStore fromEnvironment() {
        String env = System.getenv("MEDGEMMA_HOME");
        return new ModelStore(env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "medgemma4j"));
    }

    public Path home() {
        return home;
    }

    public Path modelsDir() {
        return home.resolve("models");
    }

    /** Where {@code medgemma data fetch} puts the data sets, as {@code data/NAME/FILE}. */
    public Path dataDir() {
        return home.resolve("data");
    }

    /** Where a Hugging Face file lives once pulled. */
    public Path pathOf(ModelRef.HfFile f) {
        return modelsDir().resolve(f.org()).resolve(f.repo()).resolve(f.file());
    }

    static Path partialOf(Path finalPath) {
        return finalPath.resolveSibling(finalPath.getFileName() + PARTIAL);
    }

    /** The pulled files of a repository (empty when none). */
    public List<StoredModel> filesOf(String org, String repo) throws IOException {
        return list().stream().filter(m -> m.ref().startsWith(org + "/" + repo + "/")).toList();
    }

    /**
     * Whether a file name is an image encoder (an mmproj GGUF pulled beside its model): not a model of its own,
     * so neither listed nor resolved, and removed with the last model of its folder.
     */
    public static boolean isImageEncoder(String fileName) {
        String n = fileName.toLowerCase(java.util.Locale.ROOT);
        return n.contains("mmproj") && (n.endsWith(".gguf") || n.endsWith(".gguf" + PARTIAL));
    }

    /** Every complete model file in the store, by ORG/REPO/FILE reference (image encoders are not models). */
    public List<StoredModel> list() throws IOException {
        Path dir = modelsDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<StoredModel> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".gguf"))
                    .filter(p -> !isImageEncoder(p.getFileName().toString())).sorted().toList()) {
                String ref = dir.relativize(p).toString().replace('\\', '/');
                out.add(new StoredModel(ref, p, Files.size(p), "store"));
            }
        }
        return out;
    }

    /**
     * Deletes a stored file and any partial download of it; when that was the last model of its folder, the
     * image encoder pulled beside it too; then empty folders above it. Returns the files deleted.
     */
    public List<Path> delete(Path file) throws IOException {
        if (!file.toAbsolutePath().normalize().startsWith(modelsDir().toAbsolutePath().normalize())) {
            throw new StoreException(file + " is not in the model store (" + modelsDir() + "); not deleting it");
        }
        List<Path> deleted = new ArrayList<>();
        Files.deleteIfExists(partialOf(file));
        if (Files.deleteIfExists(file)) {
            deleted.add(file);
        }
        Path folder = file.getParent();
        if (folder != null && Files.isDirectory(folder)) {
            List<Path> left;
            try (Stream<Path> s = Files.list(folder)) {
                left = s.toList();
            }
            boolean modelsLeft = left.stream().map(p -> p.getFileName().toString())
                    .anyMatch(n -> (n.endsWith(".gguf") || n.endsWith(".gguf" + PARTIAL)) && !isImageEncoder(n));
            if (!modelsLeft) {
                for (Path p : left) {
                    if (isImageEncoder(p.getFileName().toString()) && Files.deleteIfExists(p) && p.toString().endsWith(".gguf")) {
                        deleted.add(p);
                    }
                }
            }
        }
        for (Path d = file.getParent(); d != null && !d.equals(modelsDir()) && isEmptyDir(d); d = d.getParent()) {
            Files.delete(d);
        }
        return deleted;
    }

    private static boolean isEmptyDir(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }
}
