package org.medgemma4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * llama.cpp's llm_tokenizer_spm_session on one fragment of text (spaces already U+2581): start from
 * single characters and keep merging the adjacent pair whose concatenation is the best-scoring token,
 * the leftmost pair on equal scores; a character no token covers becomes its UTF-8 bytes.
 *
 * <p>llama.cpp also keeps a reverse-merge map to re-split symbols that are not tokens, but a merged
 * symbol is always a token, so only single characters can need re-splitting, and those go to bytes.
 */
final class SpmSession {

    private record Bigram(int left, int right, float score, int size) {
    }

    // llm_bigram_spm::comparator: the higher score first, then the smaller left index.
    private static final Comparator<Bigram> PRIORITY = (a, b) -> {
        int c = Float.compare(b.score, a.score);
        return c != 0 ? c : Integer.compare(a.left, b.left);
    };

    private final Vocabulary vocab;
    private final String text;
    private final int[] start;
    private final int[] length;
    private final int[] prev;
    private final int[] next;
    private final PriorityQueue<Bigram> queue = new PriorityQueue<>(PRIORITY);

    private SpmSession(Vocabulary vocab, String text) {
        this.vocab = vocab;
        this.text = text;
        int n = text.codePointCount(0, text.length());
        start = new int[n];
        length = new int[n];
        prev = new int[n];
        next = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            start[i] = offset;
            length[i] = Character.charCount(text.codePointAt(offset));
            offset += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
    }

    /** Appends the tokens of {@code text} to {@code out}. */
    static void tokenize(Vocabulary vocab, String text, IntList out) {
        if (!text.isEmpty()) {
            new SpmSession(vocab, text).run(out);
        }
    }

    private void run(IntList out) {
        for (int i = 1; i < start.length; i++) {
            tryAddBigram(i - 1, i);
        }
        Bigram b;
        while ((b = queue.poll()) != null) {
            // Skip pairs made stale by an earlier merge of either side.
            if (length[b.left] == 0 || length[b.right] == 0 || length[b.left] + length[b.right] != b.size) {
                continue;
            }
            length[b.left] += length[b.right];
            length[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            tryAddBigram(prev[b.left], b.left);
            tryAddBigram(b.left, next[b.left]);
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(i, out);
        }
    }

    private void tryAddBigram(int left, int right) {
        if (left == -1 || right == -1) {
            return;
        }
        int size = length[left] + length[right];
        int token = vocab.id(text.substring(start[left], start[left] + size));
        if (token != Vocabulary.NONE) {
            queue.add(new Bigram(left, right, vocab.score(token), size));
        }
    }

    private void emit(int symbol, IntList out) {
        String piece = text.substring(start[symbol], start[symbol] + length[symbol]);
        int token = vocab.id(piece);
        if (token != Vocabulary.NONE) {
            out.add(token);
            return;
        }
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            int byteToken = vocab.byteToken(b);
            if (byteToken == Vocabulary.NONE) {
                throw new IllegalStateException(String.format("the vocabulary has no token for byte 0x%02X", b & 0xFF));
            }
            out.add(byteToken);
        }
    }
}
