package org.medgemma4j.vision;

import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.tokenizer.IntList;
import org.medgemma4j.tokenizer.Tokenizer;

/**
 * A prompt with images, laid out as llama.cpp's mtmd_tokenize does for Gemma 3: the text split at each
 * {@value #MARKER}, each piece tokenized on its own (special tokens parsed, BOS before the first only), and
 * in place of each marker {@code <start_of_image>}, the image's embeddings (one position each, see
 * {@link ImageSpan#marker}), {@code <end_of_image>}. No newlines are added around the image.
 */
public record MediaPrompt(int[] tokens, List<ImageSpan> images) {

    /** Where an image goes in prompt text (llama.cpp's default media marker). */
    public static final String MARKER = org.medgemma4j.generate.ImageTurns.MARKER;
    public static final String START_OF_IMAGE = "<start_of_image>";
    public static final String END_OF_IMAGE = "<end_of_image>";

    /** Builds the prompt; {@code embeddings} holds one entry per marker, in order, each {@code tokensPerImage} rows. */
    public static MediaPrompt build(Tokenizer tokenizer, String text, List<float[]> embeddings, int tokensPerImage, boolean addBos) {
        String[] pieces = text.split(java.util.regex.Pattern.quote(MARKER), -1);
        if (pieces.length - 1 != embeddings.size()) {
            throw new IllegalArgumentException("the prompt has " + (pieces.length - 1) + " " + MARKER + " markers for "
                    + embeddings.size() + " images");
        }
        int start = special(tokenizer, START_OF_IMAGE);
        int end = special(tokenizer, END_OF_IMAGE);
        IntList ids = new IntList();
        List<ImageSpan> spans = new ArrayList<>();
        for (int i = 0; i < pieces.length; i++) {
            for (int id : tokenizer.encode(pieces[i], addBos && i == 0, true)) {
                ids.add(id);
            }
            if (i < embeddings.size()) {
                ids.add(start);
                ImageSpan span = new ImageSpan(ids.size(), tokensPerImage, embeddings.get(i));
                for (int k = 0; k < tokensPerImage; k++) {
                    ids.add(span.marker());
                }
                spans.add(span);
                ids.add(end);
            }
        }
        return new MediaPrompt(ids.toArray(), List.copyOf(spans));
    }

    private static int special(Tokenizer tokenizer, String text) {
        int id = tokenizer.vocabulary().id(text);
        if (id < 0) {
            throw new IllegalArgumentException("the model's vocabulary has no " + text + " token: it cannot take images");
        }
        return id;
    }
}
