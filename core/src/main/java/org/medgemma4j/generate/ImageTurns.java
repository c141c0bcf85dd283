package org.medgemma4j.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.medgemma4j.tokenizer.IntList;
import org.medgemma4j.tokenizer.Tokenizer;

/**
 * Images in chat turns, laid out as llama.cpp's mtmd and Ollama do for Gemma 3: each image is
 * {@code <start_of_image>}, its embeddings (one position each, {@link ImageSpan#marker} in the token array),
 * {@code <end_of_image>}, with no newlines around it. A user message's images go where its text holds
 * {@value #MARKER} (one marker per image), else all before its text (after a folded system message), as
 * Ollama puts them. The text itself is tokenized as the template does, without special-token parsing.
 */
public final class ImageTurns implements ChatTemplate.TurnText {

    /** Where an image goes in a message's text (llama.cpp's default media marker). */
    public static final String MARKER = "<__media__>";

    private final Tokenizer tokenizer;
    private final List<List<float[]>> imagesPerMessage;
    private final int tokensPerImage;
    private final List<ImageSpan> spans = new ArrayList<>();

    /** {@code imagesPerMessage.get(i)}: the embeddings of message i's images, {@code tokensPerImage} rows each. */
    public ImageTurns(Tokenizer tokenizer, List<List<float[]>> imagesPerMessage, int tokensPerImage) {
        this.tokenizer = tokenizer;
        this.imagesPerMessage = imagesPerMessage;
        this.tokensPerImage = tokensPerImage;
    }

    /** The images of a single user turn (a chat's follow-up). */
    public static ImageTurns of(Tokenizer tokenizer, List<float[]> images, int tokensPerImage) {
        return new ImageTurns(tokenizer, List.of(images), tokensPerImage);
    }

    /** The images placed so far, at their positions in the conversation. */
    public List<ImageSpan> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void append(IntList out, int base, int message, String lead, String content) {
        List<float[]> images = message < imagesPerMessage.size() ? imagesPerMessage.get(message) : List.of();
        if (images.isEmpty()) {
            out.addAll(tokenizer.encode(lead + content, false, false));
            return;
        }
        if (!lead.startsWith("user")) {
            throw new IllegalArgumentException("only user messages can hold images (message " + (message + 1) + ")");
        }
        if (content.contains(MARKER)) {
            String[] pieces = content.split(Pattern.quote(MARKER), -1);
            if (pieces.length - 1 != images.size()) {
                throw new IllegalArgumentException("message " + (message + 1) + " has " + (pieces.length - 1) + " " + MARKER
                        + " markers for " + images.size() + " images");
            }
            out.addAll(tokenizer.encode(lead + pieces[0], false, false));
            for (int i = 0; i < images.size(); i++) {
                image(out, base, images.get(i));
                out.addAll(tokenizer.encode(pieces[i + 1], false, false));
            }
        } else {
            out.addAll(tokenizer.encode(lead, false, false));
            for (float[] image : images) {
                image(out, base, image);
            }
            out.addAll(tokenizer.encode(content, false, false));
        }
    }

    private void image(IntList out, int base, float[] embeddings) {
        out.add(special(tokenizer, "<start_of_image>"));
        ImageSpan span = new ImageSpan(base + out.size(), tokensPerImage, embeddings);
        for (int k = 0; k < tokensPerImage; k++) {
            out.add(span.marker());
        }
        out.add(special(tokenizer, "<end_of_image>"));
        spans.add(span);
    }

    private static int special(Tokenizer tokenizer, String text) {
        int id = tokenizer.vocabulary().id(text);
        if (id < 0) {
            throw new IllegalArgumentException("the model's vocabulary has no " + text + " token: it cannot take images");
        }
        return id;
    }
}
