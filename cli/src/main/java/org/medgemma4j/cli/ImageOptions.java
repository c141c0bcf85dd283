package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.vision.VisionModel;
import picocli.CommandLine.Option;

/** Images for a command that runs a model: the image files, and the mmproj that encodes them. */
final class ImageOptions {

    @Option(names = "--image", paramLabel = "FILE",
            description = "an image for the prompt (PNG, JPEG, BMP, GIF; repeatable); it goes where the text holds "
                    + "<__media__>, else before the text")
    List<Path> images = new ArrayList<>();

    @Option(names = "--mmproj", paramLabel = "FILE",
            description = "the image encoder (an mmproj GGUF; default: the mmproj*.gguf beside the model file, else the "
                    + "vision tower inside the model file as Ollama stores Gemma 3)")
    Path mmproj;

    boolean any() {
        return !images.isEmpty();
    }

    /**
     * The image encoder for {@code m}: --mmproj, else the one mmproj*.gguf beside the model file, else the vision
     * tower inside the model file (Ollama's store) (named on stderr). A model without one is the user's error, with the way out in the message.
     */
    VisionModel open(LoadedModel m, PrintWriter err) throws IOException {
        Path file = mmproj;
        Path modelFile = m.model().file().path();
        if (file == null) {
            file = VisionModel.findBeside(modelFile);
            if (file == null) {
                throw new IllegalArgumentException(noEncoder(m));
            }
            err.println(file.equals(modelFile) ? "image encoder: the vision tower inside " + file : "image encoder: " + file);
            err.flush();
        }
        VisionModel vision = VisionModel.open(file, m.pool());
        try {
            vision.checkTextWidth(m.model().config().embeddingLength());
        } catch (IllegalArgumentException e) {
            vision.close();
            throw e;
        }
        return vision;
    }

    /** The encoder when images were given, else null. */
    VisionModel openIfImages(LoadedModel m, PrintWriter err) throws IOException {
        return any() ? open(m, err) : null;
    }

    /**
     * The encoder when one is at hand (chat may take images later): the one named or needed (images given),
     * else the one beside the model if there is one, else null.
     */
    VisionModel openIfAvailable(LoadedModel m, PrintWriter err) throws IOException {
        if (any() || mmproj != null) {
            return open(m, err);
        }
        try {
            return VisionModel.findBeside(m.model().file().path()) != null ? open(m, err) : null;
        } catch (IOException e) {
            // several candidates: the chat goes on without images until the user picks one with --mmproj
            err.println("note: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** The one-line error for an image given to a model without an encoder. */
    static String noEncoder(LoadedModel m) {
        return m.model().file().path().getFileName() + " has no image encoder (no mmproj*.gguf beside it): give one with --mmproj FILE";
    }

    /** The embeddings of {@code files}, in order. */
    static List<float[]> embed(VisionModel vision, List<Path> files) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (Path f : files) {
            out.add(vision.embed(f));
        }
        return out;
    }
}
