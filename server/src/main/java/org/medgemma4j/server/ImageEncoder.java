package org.medgemma4j.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.vision.RgbImage;
import org.medgemma4j.vision.VisionModel;

/**
 * A served model's image encoder, or why it has none. The encoder runs on its own worker threads: images are
 * encoded on the request's thread while the scheduler's thread decodes other requests on the model's.
 */
final class ImageEncoder implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ImageEncoder.class.getName());

    private final VisionModel vision;
    private final WorkerPool pool;
    /** Why images are refused, when they are. */
    private final String refusal;

    private ImageEncoder(VisionModel vision, WorkerPool pool, String refusal) {
        this.vision = vision;
        this.pool = pool;
        this.refusal = refusal;
    }

    /**
     * The encoder for {@code model} (its mmproj from the library: given with serve --mmproj, else beside its file).
     * Never fails: a model without a usable mmproj serves text and refuses images with the reason.
     */
    static ImageEncoder open(ModelLibrary library, String name, Path modelFile, LoadedModel model, int threads) {
        Optional<Path> mmproj;
        try {
            mmproj = library.mmproj(modelFile);
        } catch (IOException e) {
            return refusing(e.getMessage());
        }
        if (mmproj.isEmpty()) {
            return refusing("the model " + name + " has no image encoder (no mmproj*.gguf beside it; serve --mmproj FILE gives one)");
        }
        WorkerPool pool = new WorkerPool(threads);
        VisionModel vision;
        try {
            vision = VisionModel.open(mmproj.get(), pool);
        } catch (IOException | RuntimeException e) {
            pool.close();
            LOG.log(System.Logger.Level.WARNING, "cannot open the image encoder " + mmproj.get() + ": " + e.getMessage());
            return refusing("the image encoder " + mmproj.get().getFileName() + " of " + name + " cannot be read: " + e.getMessage());
        }
        try {
            vision.checkTextWidth(model.model().config().embeddingLength());
        } catch (IllegalArgumentException e) {
            vision.close();
            pool.close();
            return refusing(e.getMessage());
        }
        LOG.log(System.Logger.Level.INFO, "image encoder of " + name + ": " + mmproj.get());
        return new ImageEncoder(vision, pool, null);
    }

    private static ImageEncoder refusing(String why) {
        return new ImageEncoder(null, null, why);
    }

    boolean available() {
        return vision != null;
    }

    /** Positions one image takes in a prompt (0 without an encoder). */
    int tokensPerImage() {
        return vision == null ? 0 : vision.config().tokenCount();
    }

    /** The images' embeddings, in order; a 400 when this model takes no images. */
    List<float[]> embed(List<RgbImage> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        if (vision == null) {
            throw ApiException.badRequest("this model cannot read images: " + refusal);
        }
        List<float[]> out = new ArrayList<>();
        for (RgbImage image : images) {
            out.add(vision.embed(image));
        }
        return out;
    }

    @Override
    public void close() {
        if (vision != null) {
            vision.close();
            pool.close();
        }
    }
}
