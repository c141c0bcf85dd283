package org.medgemma4j.tokenizer;

import java.util.Arrays;

/**
 * Turns generated tokens into text one token at a time, emitting only whole characters: a character
 * whose UTF-8 bytes arrive in several byte tokens appears once its last byte does. Bytes that can
 * never form a character become U+FFFD as in {@link Tokenizer#decode}, so the pieces joined (with
 * {@link #flush()}) equal decoding all tokens at once.
 */
public final class StreamingDetokenizer {

    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] pending = new byte[0];

    /** @param renderSpecial whether control tokens such as {@code <end_of_turn>} appear as text */
    public StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** The text completed by this token, possibly empty. */
    public String accept(int token) {
        byte[] piece = tokenizer.piece(token, renderSpecial);
        byte[] bytes = Arrays.copyOf(pending, pending.length + piece.length);
        System.arraycopy(piece, 0, bytes, pending.length, piece.length);
        StringBuilder out = new StringBuilder();
        int used = Utf8.decodeComplete(bytes, bytes.length, out);
        pending = Arrays.copyOfRange(bytes, used, bytes.length);
        return out.toString();
    }

    /** Ends the stream: an unfinished character becomes U+FFFD. */
    public String flush() {
        String rest = pending.length == 0 ? "" : String.valueOf(Utf8.REPLACEMENT);
        pending = new byte[0];
        return rest;
    }
}
