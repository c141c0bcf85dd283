package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the PHI of a text: runs every detector, spreads what context revealed (a word found as a name
 * after "Dr." is a name everywhere in the note), and merges overlapping finds into one span each.
 * Thread-safe: one instance serves many texts.
 */
public final class Deidentifier {

    private final Lexicon lexicon;
    private final List<Detector> detectors;

    public Deidentifier(Lexicon lexicon) {
        this.lexicon = lexicon;
        this.detectors = List.of(new PatternDetector(), new DateDetector(), new NameDetector(lexicon), new LocationDetector(lexicon));
    }

    /** With the bundled word lists and the DrugBank vocabulary when DataSet.DRUGS finds it. */
    public static Deidentifier standard() throws java.io.IOException {
        return new Deidentifier(Lexicon.bundled(DrugVocabulary.locate()));
    }

    /** The PHI spans of {@code text}, sorted, not overlapping. */
    public List<PhiSpan> find(String text) {
        Tokens tokens = Tokens.of(text);
        List<PhiSpan> found = new ArrayList<>();
        for (Detector d : detectors) {
            found.addAll(d.find(tokens));
        }
        found.addAll(spread(tokens, found));
        return merge(found);
    }

    // Words found as names or places by context are PHI wherever else they occur in the text.
    private List<PhiSpan> spread(Tokens tokens, List<PhiSpan> found) {
        java.util.Map<String, PhiCategory> words = new java.util.HashMap<>();
        List<Token> all = tokens.list();
        for (PhiSpan s : found) {
            if (s.category() != PhiCategory.NAME && s.category() != PhiCategory.FACILITY && s.category() != PhiCategory.LOCATION) {
                continue;
            }
            for (int i = firstTokenAt(all, s.start()); i < all.size() && all.get(i).start() < s.end(); i++) {
                Token t = all.get(i);
                if (t.end() <= s.end() && t.isWord() && t.text().length() >= 3) {
                    String lower = t.lower();
                    if (!lexicon.isCommon(lower) && !lexicon.isPlaceWordOnlyInContext(lower)) {
                        words.putIfAbsent(lower, s.category());
                    }
                }
            }
        }
        List<PhiSpan> out = new ArrayList<>();
        if (words.isEmpty()) {
            return out;
        }
        for (Token t : tokens.list()) {
            PhiCategory c = t.isWord() ? words.get(t.lower()) : null;
            if (c != null) {
                out.add(new PhiSpan(t.start(), t.end(), c));
            }
        }
        return out;
    }

    // Binary search: the first token that starts at or after offset.
    private static int firstTokenAt(List<Token> tokens, int offset) {
        int lo = 0;
        int hi = tokens.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tokens.get(mid).start() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Overlapping or touching-by-a-space spans of one kind become one; overlaps of two kinds keep the longer's kind. */
    static List<PhiSpan> merge(List<PhiSpan> spans) {
        List<PhiSpan> sorted = new ArrayList<>(spans);
        Collections.sort(sorted);
        List<PhiSpan> out = new ArrayList<>();
        for (PhiSpan s : sorted) {
            if (!out.isEmpty() && out.getLast().overlaps(s)) {
                PhiSpan last = out.removeLast();
                PhiCategory c = last.length() >= s.length() ? last.category() : s.category();
                out.add(new PhiSpan(last.start(), Math.max(last.end(), s.end()), c));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    static Set<PhiCategory> categories(List<PhiSpan> spans) {
        Set<PhiCategory> c = new HashSet<>();
        spans.forEach(s -> c.add(s.category()));
        return c;
    }
}
