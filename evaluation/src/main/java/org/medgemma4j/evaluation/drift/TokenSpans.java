package org.medgemma4j.evaluation.drift;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import org.medgemma4j.tokenizer.Tokenizer;

/** Which tokens of a tokenized text fall inside given character spans of it (by their UTF-8 byte ranges). */
final class TokenSpans {

    private TokenSpans() {
    }

    /**
     * The indexes of {@code tokens} (the encoding of {@code text}, a leading BOS allowed) whose bytes overlap one
     * of the spans. Token bytes are the pieces as the tokenizer decodes them, which concatenate to the text.
     */
    static BitSet inside(Tokenizer tokenizer, int[] tokens, String text, List<DrugNames.Span> spans) {
        BitSet out = new BitSet(tokens.length);
        if (spans.isEmpty()) {
            return out;
        }
        // byte range of each span
        long[] ranges = new long[spans.size() * 2];
        int charPos = 0;
        int bytePos = 0;
        for (int i = 0; i < spans.size(); i++) {
            DrugNames.Span s = spans.get(i);
            bytePos += text.substring(charPos, s.start()).getBytes(StandardCharsets.UTF_8).length;
            ranges[2 * i] = bytePos;
            bytePos += text.substring(s.start(), s.end()).getBytes(StandardCharsets.UTF_8).length;
            ranges[2 * i + 1] = bytePos;
            charPos = s.end();
        }
        int bos = tokenizer.vocabulary().bos();
        long offset = 0;
        int span = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (t == 0 && tokens[t] == bos) {
                continue;
            }
            long start = offset;
            offset += tokenizer.piece(tokens[t], false).length;
            while (span < spans.size() && ranges[2 * span + 1] <= start) {
                span++;
            }
            if (span < spans.size() && ranges[2 * span] < offset && start < ranges[2 * span + 1]) {
                out.set(t);
            }
        }
        return out;
    }
}
