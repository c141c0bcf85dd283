package org.medgemma4j.retrieval;

/**
 * A numbered source given to the model, as the answer cites it ([n]).
 *
 * @param n       its number in the prompt, from 1
 * @param hit     the passage and its scores
 * @param excerpt the part of the passage's text the prompt carried (shortened to fit the context)
 */
public record Source(int n, Hit hit, String excerpt) {

    public Passage passage() {
        return hit.passage();
    }

    /** One line for people: "PMID 123: Title (2011)" or "file.pdf p. 3: Title". */
    public String describe() {
        Passage p = passage();
        StringBuilder sb = new StringBuilder();
        if (p.pmid() != null) {
            sb.append("PMID ").append(p.pmid());
        } else {
            sb.append(java.nio.file.Path.of(p.source()).getFileName());
            if (p.page() != null) {
                sb.append(" p. ").append(p.page());
            }
        }
        String title = p.title().isBlank() ? firstWords(p.text(), 12) : p.title();
        sb.append(": ").append(title);
        if (p.year() != null) {
            sb.append(" (").append(p.year()).append(')');
        }
        return sb.toString();
    }

    /** The first {@code n} words of {@code text}, "..." when cut. */
    public static String firstWords(String text, int n) {
        String[] words = text.strip().split("\\s+");
        if (words.length <= n) {
            return String.join(" ", words);
        }
        return String.join(" ", java.util.Arrays.copyOf(words, n)) + " ...";
    }
}
