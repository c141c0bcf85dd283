package org.medgemma4j.vision;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.tensor.WorkerPool;

/**
 * A Gemma 3 image encoder loaded from an mmproj GGUF, or from a model file of Ollama's store that carries its
 * own vision tower ({@link VisionLayout}): turns an image into the embeddings that take the place of
 * {@code <__media__>} between {@code <start_of_image>} and {@code <end_of_image>} in a prompt.
 */
public final class VisionModel implements AutoCloseable {

    private final GgufFile file;
    private final Arena arena;
    private final VisionLayout layout;
    private final VisionConfig config;
    private final VisionWeights weights;
    private final SiglipEncoder encoder;

    private VisionModel(GgufFile file, WorkerPool pool) throws GgufException {
        this.file = file;
        this.arena = Arena.ofShared();
        try {
            this.layout = VisionLayout.of(file);
            this.config = layout.config(file);
            this.weights = new VisionWeights(file, layout, config, arena);
        } catch (GgufException | RuntimeException e) {
            arena.close();
            throw e;
        }
        this.encoder = new SiglipEncoder(config, weights, pool);
    }

    /**
     * Opens an mmproj file, or a model file carrying its own vision tower (Ollama's store); the encoder runs
     * on {@code pool}.
     */
    public static VisionModel open(Path mmproj, WorkerPool pool) throws GgufException {
        GgufFile f = GgufFile.open(mmproj);
        try {
            return new VisionModel(f, pool);
        } catch (GgufException | RuntimeException e) {
            f.close();
            if (e instanceof GgufException g) {
                throw g;
            }
            throw new GgufException(mmproj, e.getMessage());
        }
    }

    /**
     * The image encoder of a model file: the single {@code mmproj*.gguf} in its folder, else the model file
     * itself when it carries its own vision tower (a Gemma 3 from Ollama's store), else null. Several mmproj
     * files are an error naming them (the user picks one with --mmproj).
     */
    public static Path findBeside(Path modelFile) throws IOException {
        Path dir = modelFile.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return carriesVision(modelFile) ? modelFile : null;
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return n.startsWith("mmproj") && n.endsWith(".gguf") && Files.isRegularFile(p);
            }).sorted().toList();
        }
        if (found.size() > 1) {
            throw new IOException("several mmproj files beside " + modelFile + ": " + found + "; choose one with --mmproj");
        }
        if (!found.isEmpty()) {
            return found.get(0);
        }
        return carriesVision(modelFile) ? modelFile : null;
    }

    /** Whether a model file holds a Gemma 3 vision tower itself (Ollama's single-blob layout). */
    public static boolean carriesVision(Path modelFile) {
        if (!Files.isRegularFile(modelFile)) {
            return false;
        }
        try (GgufFile f = GgufFile.open(modelFile)) {
            return VisionLayout.carriesOllamaVision(f);
        } catch (GgufException | RuntimeException e) {
            return false; // not a GGUF we can read: no vision to offer; opening it as a model will say why
        }
    }

    /** Where this encoder's weights came from: an mmproj or the model file itself. */
    public VisionLayout layout() {
        return layout;
    }

    public VisionConfig config() {
        return config;
    }

    public Path path() {
        return file.path();
    }

    /** Bytes of the encoder's weights. */
    public long weightBytes() {
        return weights.byteSize();
    }

    /** Fails with a clear message unless this encoder's output fits a text model of width {@code textEmbd}. */
    public void checkTextWidth(int textEmbd) {
        if (config.projectionDim() != textEmbd) {
            throw new IllegalArgumentException(layout.describe() + " " + file.path().getFileName() + " projects to " + config.projectionDim()
                    + " wide embeddings but the text model is " + textEmbd + " wide: they are not a pair");
        }
    }

    /** The image's embeddings: {@link VisionConfig#tokenCount} rows of {@link VisionConfig#projectionDim} floats. */
    public synchronized float[] embed(RgbImage image) {
        return encoder.encode(ImagePreprocessor.pixels(image, config));
    }

    public float[] embed(Path image) throws IOException {
        return embed(ImageDecoder.read(image));
    }

    @Override
    public void close() {
        file.close();
        arena.close();
    }
}
