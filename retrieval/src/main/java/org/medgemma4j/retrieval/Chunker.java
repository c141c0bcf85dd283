package org.medgemma4j.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts long text into overlapping chunks that end at a sentence or word boundary, so a passage read
 * alone still makes sense and a sentence cut by one chunk is whole in the next.
 */
public final class Chunker {

    /** One piece of a text and where it starts. */
    public record Chunk(int start, String text) {
    }

    private final int maxChars;
    private final int overlapChars;

    public Chunker(int maxChars, int overlapChars) {
        if (maxChars < 100 || overlapChars < 0 || overlapChars >= maxChars / 2) {
            throw new IllegalArgumentException("chunks need maxChars >= 100 and 0 <= overlap < maxChars/2, got "
                    + maxChars + " and " + overlapChars);
        }
        this.maxChars = maxChars;
        this.overlapChars = overlapChars;
    }

    /** About 700 tokens a chunk, 300 characters shared with the next: most abstracts stay whole. */
    public static Chunker standard() {
        return new Chunker(3000, 300);
    }

    public List<Chunk> split(String text) {
        String t = text.strip();
        List<Chunk> out = new ArrayList<>();
        if (t.isEmpty()) {
            return out;
        }
        int offset = text.indexOf(t);
        int start = 0;
        while (true) {
            if (t.length() - start <= maxChars) {
                out.add(new Chunk(offset + start, t.substring(start)));
                return out;
            }
            int end = boundaryBefore(t, start + maxChars, start + maxChars / 2);
            out.add(new Chunk(offset + start, t.substring(start, end).strip()));
            int next = wordStartAfter(t, Math.max(end - overlapChars, start + 1));
            start = next >= end ? end : next;
        }
    }

    // The last sentence end, else the last space, in [min, limit); else limit itself.
    private static int boundaryBefore(String t, int limit, int min) {
        for (int i = limit - 1; i > min; i--) {
            char c = t.charAt(i - 1);
            if ((c == '.' || c == '?' || c == '!' || c == '\n') && Character.isWhitespace(t.charAt(i))) {
                return i;
            }
        }
        for (int i = limit - 1; i > min; i--) {
            if (Character.isWhitespace(t.charAt(i))) {
                return i;
            }
        }
        return limit;
    }

    private static int wordStartAfter(String t, int from) {
        int i = from;
        while (i < t.length() && i > 0 && !Character.isWhitespace(t.charAt(i - 1))) {
            i++;
        }
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }
}
