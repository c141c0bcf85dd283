package org.medgemma4j.generate;

import java.util.Arrays;

/**
 * An image's embeddings in a prompt: {@code count} rows of n_embd floats taking prompt positions
 * [start, start + count), between the {@code <start_of_image>} and {@code <end_of_image>} tokens. The prompt's
 * token array holds {@link #marker} at those positions: a negative id, never a vocabulary token, derived from
 * the embeddings so that a later request with the same image reuses the cache and another image does not.
 */
public record ImageSpan(int start, int count, float[] embeddings) {

    public ImageSpan {
        if (start < 0 || count <= 0 || embeddings.length % count != 0) {
            throw new IllegalArgumentException("an image span of " + count + " positions from " + start + " with "
                    + embeddings.length + " floats");
        }
    }

    public int end() {
        return start + count;
    }

    /** The placeholder id of this image's positions in a prompt. */
    public int marker() {
        return -1 - (Arrays.hashCode(embeddings) & 0x3FFFFFFF);
    }
}
