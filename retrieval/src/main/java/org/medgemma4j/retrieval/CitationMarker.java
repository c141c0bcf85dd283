package org.medgemma4j.retrieval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medgemma4j.generate.TokenStream;

/**
 * Passes an answer through as it streams, marking every citation number the sources list does not have:
 * "[7]" with five sources becomes "[7?]", and "[2, 9]" becomes "[2, 9?]". Text that could still become a
 * citation ("[1" without its bracket yet) is held back until it is decided, never longer.
 */
public final class CitationMarker implements TokenStream {

    private static final Pattern CITATION = Pattern.compile("\\[(\\s*\\d{1,3}\\s*(?:[,;–-]\\s*\\d{1,3}\\s*)*)]");
    private static final Pattern PARTIAL = Pattern.compile("\\[[\\d\\s,;–-]{0,40}$");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final int sources;
    private final TokenStream out;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder answer = new StringBuilder();
    private final TreeSet<Integer> cited = new TreeSet<>();
    private final TreeSet<Integer> unknown = new TreeSet<>();

    public CitationMarker(int sources, TokenStream out) {
        this.sources = sources;
        this.out = out;
    }

    @Override
    public void onText(String text) {
        pending.append(text);
        Matcher partial = PARTIAL.matcher(pending);
        int keep = partial.find() ? partial.start() : pending.length();
        if (keep > 0) {
            emit(pending.substring(0, keep));
            pending.delete(0, keep);
        }
    }

    @Override
    public void onThinking(String text) {
        out.onThinking(text);
    }

    @Override
    public boolean cancelled() {
        return out.cancelled();
    }

    /** Sends what is still held back; call once when generation ends. */
    public void finish() {
        if (!pending.isEmpty()) {
            emit(pending.toString());
            pending.setLength(0);
        }
    }

    private void emit(String text) {
        Matcher m = CITATION.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(mark(m.group(1))));
        }
        m.appendTail(sb);
        answer.append(sb);
        out.onText(sb.toString());
    }

    private String mark(String inside) {
        Matcher n = NUMBER.matcher(inside);
        StringBuilder sb = new StringBuilder("[");
        while (n.find()) {
            n.appendReplacement(sb, "");
            int k = Integer.parseInt(n.group());
            if (k >= 1 && k <= sources) {
                cited.add(k);
                sb.append(k);
            } else {
                unknown.add(k);
                sb.append(k).append('?');
            }
        }
        n.appendTail(sb);
        return sb.append(']').toString();
    }

    /** The answer as streamed, marks included. */
    public String answer() {
        return answer.toString();
    }

    /** Source numbers the answer cites that exist. */
    public List<Integer> cited() {
        return new ArrayList<>(cited);
    }

    /** Numbers the answer cites that no source has. */
    public List<Integer> unknown() {
        return new ArrayList<>(unknown);
    }
}
