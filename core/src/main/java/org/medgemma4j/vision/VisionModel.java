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
 * A Gemma 3 image encoder loaded from an mmproj GGUF: turns an image into the embeddings that take the
 * place of {@code <__media__>} between {@code <start_of_image>} and {@code <end_of_image>} in a prompt.
 */
public final class VisionModel implements AutoCloseable {

    private final GgufFile file;
    private final Arena arena;
    private final VisionConfig config;
    private final VisionWeights weights;
    private final SiglipEncoder encoder;

    private VisionModel(GgufFile file, WorkerPool pool) throws GgufException {
        this.file = file;
        this.arena = Arena.ofShared();
        try {
            this.config = VisionConfig.from(file.metadata());
            this.weights = new VisionWeights(file, config, arena);
        } catch (GgufException | RuntimeException e) {
            arena.close();
            throw e;
        }
        this.encoder = new SiglipEncoder(config, weights, pool);
    }

    /** Opens an mmproj file; the encoder runs on {@code pool}. */
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
     * The mmproj beside a model file: the single {@code mmproj*.gguf} in its folder, null when there is none.
     * Several are an error naming them (the user picks one with --mmproj).
     */
    public static Path findBeside(Path modelFile) throws IOException {
        Path dir = modelFile.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
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
        return found.isEmpty() ? null : found.get(0);
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
            throw new IllegalArgumentException("the mmproj " + file.path().getFileName() + " projects to " + config.projectionDim()
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
