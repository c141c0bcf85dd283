package org.medgemma4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/**
 * Text to token ids and back, exactly as llama.cpp does it for SentencePiece ("llama") vocabularies:
 * llama_tokenize and llama_token_to_piece.
 */
public final class Tokenizer {

    private final Vocabulary vocab;
    private final SpecialTokenSplitter splitter;
    // token_to_piece with control tokens rendered, built once as llama.cpp's piece cache is.
    private final byte[][] pieces;

    public Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.splitter = new SpecialTokenSplitter(vocab);
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = renderPiece(id);
        }
    }

    /** The tokenizer of an open GGUF file. */
    public static Tokenizer of(GgufFile file) throws GgufException {
        return new Tokenizer(Vocabulary.of(file));
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /**
     * The tokens of {@code text}.
     *
     * @param addBos       add the tokens the file asks for around a prompt (BOS for Gemma; also EOS
     *                     if tokenizer.ggml.add_eos_token is set)
     * @param parseSpecial turn control-token text such as {@code <start_of_turn>} into those tokens;
     *                     user-defined tokens (newline and tab runs, HTML tags) are always matched
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        text = asUtf8Would(text);
        IntList out = new IntList();
        if (addBos && vocab.addBos()) {
            out.add(vocab.bos());
        }
        boolean previousSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            if (f.token() != Vocabulary.NONE) {
                out.add(f.token());
                previousSpecial = true;
            } else {
                String raw = text.substring(f.start(), f.end());
                String prefixed = vocab.addSpacePrefix() && previousSpecial ? " " + raw : raw;
                SpmSession.tokenize(vocab, prefixed.replace(' ', '\u2581'), out);
                previousSpecial = false;
            }
        }
        if (addBos && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    /**
     * The bytes a token stands for (llama_token_to_piece): U+2581 in normal tokens becomes a space,
     * byte tokens give their byte, user-defined tokens their text; control and unknown tokens give
     * their text only when {@code renderSpecial}, else nothing; unused tokens always nothing.
     */
    public byte[] piece(int id, boolean renderSpecial) {
        if (!renderSpecial && vocab.type(id).needsParseSpecial()) {
            return new byte[0];
        }
        return pieces[id].clone();
    }

    /** The text of {@code ids} with control tokens rendered, as llama.cpp's token_to_piece(special=true) gives. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** The text of {@code ids}; invalid UTF-8 (say, half a character in byte tokens) becomes U+FFFD. */
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (renderSpecial || !vocab.type(id).needsParseSpecial()) {
                bytes.writeBytes(pieces[id]);
            }
        }
        return Utf8.decode(bytes.toByteArray(), bytes.size());
    }

    private byte[] renderPiece(int id) {
        return switch (vocab.type(id)) {
            case NORMAL -> vocab.text(id).replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            case CONTROL, UNKNOWN, USER_DEFINED -> vocab.text(id).getBytes(StandardCharsets.UTF_8);
            case BYTE -> new byte[] {(byte) vocab.byteValue(id)};
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    // llama.cpp sees bytes: a lone surrogate cannot reach it, so treat it as Java's UTF-8 encoder would.
    private static String asUtf8Would(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                }
            }
        }
        return text;
    }
}
