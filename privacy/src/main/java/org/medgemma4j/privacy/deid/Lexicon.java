package org.medgemma4j.privacy.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The word lists the detectors consult, all lower case: first names and surnames (US Census 1990, public
 * domain; cspell's people names, MIT), common English words (Hunspell en_US as cspell ships it, MIT:
 * only its lower-case entries, so proper names stay out), US places (GeoNames and the federal ZIP code
 * list as the zipcodes package ships them), clinical shorthand written for this project, and drug names
 * (DrugBank open vocabulary, CC0, when given). docs/privacy.md credits each source.
 */
public final class Lexicon {

    private final Set<String> firstNames;
    private final Set<String> surnames;
    private final Set<String> englishWords;
    private final Set<String> places;
    private final Set<String> clinicalTerms;
    private final Set<String> drugWords;
    private final int longestPlaceWords;

    private Lexicon(Set<String> firstNames, Set<String> surnames, Set<String> englishWords, Set<String> places,
                    Set<String> clinicalTerms, Set<String> drugWords) {
        this.firstNames = firstNames;
        this.surnames = surnames;
        this.englishWords = englishWords;
        this.places = places;
        this.clinicalTerms = clinicalTerms;
        this.drugWords = drugWords;
        this.longestPlaceWords = places.stream().mapToInt(p -> p.split(" ").length).max().orElse(1);
    }

    private static final class Bundled {
        static final Lexicon WITHOUT_DRUGS = new Lexicon(
                read("census-first-names.txt.gz"),
                union(read("census-surnames.txt.gz"), read("people-names.txt.gz")),
                read("english-words.txt.gz"),
                read("us-places.txt.gz"),
                read("clinical-terms.txt"),
                Set.of());
    }

    /** The bundled lists, without drug names. */
    public static Lexicon bundled() {
        return Bundled.WITHOUT_DRUGS;
    }

    /** The bundled lists with the words of a drug vocabulary, which are then never taken for names or places. */
    public static Lexicon bundled(DrugVocabulary drugs) {
        Lexicon b = bundled();
        // Synonym lists hold odd words (brand lines, people's names in trial codes): a word that is a name stays a name.
        Set<String> words = new HashSet<>(drugs.words());
        words.removeIf(w -> b.firstNames.contains(w) || b.surnames.contains(w) || b.places.contains(w));
        return new Lexicon(b.firstNames, b.surnames, b.englishWords, b.places, b.clinicalTerms, Set.copyOf(words));
    }

    boolean isFirstName(String lower) {
        return firstNames.contains(lower);
    }

    boolean isSurname(String lower) {
        return surnames.contains(lower);
    }

    boolean isName(String lower) {
        return firstNames.contains(lower) || surnames.contains(lower);
    }

    boolean isEnglish(String lower) {
        return englishWords.contains(lower);
    }

    boolean isClinical(String lower) {
        return clinicalTerms.contains(lower) || drugWords.contains(lower);
    }

    public boolean isDrug(String lower) {
        return drugWords.contains(lower);
    }

    /** A word of ordinary or clinical language: a name that is also one needs context to count as a name. */
    boolean isCommon(String lower) {
        int apostrophe = lower.indexOf('\'');
        // Contractions and possessives (I'm, con't, pt's), not O'Rourke or D'Angelo.
        if (apostrophe > 0 && lower.substring(apostrophe + 1).matches("s|m|t|d|ll|re|ve")) {
            // I'm, con't, pt's: judged by the part before the apostrophe
            String base = lower.substring(0, apostrophe);
            return base.equals("i") || englishWords.contains(base) || isClinical(base) || isClinical(lower);
        }
        return englishWords.contains(lower) || isClinical(lower) || isEnglishInflection(lower);
    }

    // Plurals and past tenses of dictionary words ("falls", "walked") are common words too.
    private boolean isEnglishInflection(String lower) {
        int n = lower.length();
        return n > 3 && ((lower.endsWith("s") && englishWords.contains(lower.substring(0, n - 1)))
                || (lower.endsWith("ed") && englishWords.contains(lower.substring(0, n - 2)))
                || (lower.endsWith("ing") && englishWords.contains(lower.substring(0, n - 3))));
    }

    /** A name no dictionary knows as an ordinary word: found without context. */
    boolean isUnambiguousName(String lower) {
        return lower.length() >= 3 && isName(lower) && !isCommon(lower);
    }

    boolean isPlace(String lowerPhrase) {
        return places.contains(lowerPhrase);
    }

    /** A place name that is also a first name or ordinary word: not spread through a note on its own. */
    boolean isPlaceWordOnlyInContext(String lower) {
        return isFirstName(lower) && isPlace(lower);
    }

    int longestPlaceWords() {
        return longestPlaceWords;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    private static Set<String> read(String resource) {
        try (InputStream raw = Lexicon.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("word list missing from the jar: " + resource);
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            Set<String> words = new HashSet<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("#")) {
                        continue;
                    }
                    for (String w : resource.endsWith(".gz") ? new String[] {line} : line.split("\\s+")) {
                        String t = w.strip().toLowerCase(Locale.ROOT);
                        if (!t.isEmpty()) {
                            words.add(t);
                        }
                    }
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read word list " + resource, e);
        }
    }
}
