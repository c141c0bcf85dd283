package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names of patients, relatives and staff, found three ways: words that name lists know and no dictionary
 * does (Nicholson, Gaudreau); words in a name's place whatever they are (after Dr. or Mrs., before RN or
 * MD, after "daughter" or "wife"); and neighbours of a name that are names or initials themselves
 * (Edward C. Jones). A name that is also an ordinary word (Rose, Bill, Grant) needs such context.
 */
final class NameDetector implements Detector {

    private static final Set<String> TITLES = Words.of("dr", "drs", "doctor", "doctors", "mr", "mrs", "ms", "miss", "mister",
            "madam", "prof", "professor", "dres", "sister", "fr", "father", "rev", "reverend", "nurse", "caseworker", "chaplain",
            "worker", "manager", "therapist", "coordinator", "liaison", "attending", "resident", "intern", "fellow", "pcp", "cardiologist", "surgeon", "oncologist", "physician", "pastor", "rabbi", "priest");
    // Titles that are also words ("sister", "father", "nurse") and "ms" (mental status) need a name-like word after them.
    private static final Set<String> WEAK_TITLES = Words.of("ms", "sr", "sister", "fr", "father", "nurse", "miss", "caseworker",
            "chaplain", "worker", "manager", "therapist", "coordinator", "liaison", "attending", "resident", "intern", "fellow",
            "pcp", "cardiologist", "surgeon", "oncologist", "physician", "pastor", "rabbi", "priest");
    private static final Set<String> CREDENTIALS = Words.of("rn", "rrt", "crt", "rt", "md", "np", "pa", "lpn", "cna", "slp", "msw",
            "licsw", "lcsw", "lsw", "pharmd", "rph", "phd", "bsn", "msn", "aprn", "cnp", "fnp", "anp", "cns", "crnp", "pac", "dpt",
            "otr", "mph", "facc", "facs", "mba", "ccrn", "dds", "dmd", "od", "dpm", "psyd", "rd", "ldn", "cma");
    private static final Set<String> RELATIONS = Words.of("wife", "husband", "son", "sons", "daughter", "daughters", "dtr", "dau",
            "dghtr", "daugher", "daughther", "mother", "mom", "father", "dad", "brother", "bro", "sister", "sis", "niece", "neice", "neices", "nieces", "nephews", "nephew",
            "aunt", "uncle", "grandson", "granddaughter", "grandaughter", "grandchild", "grandmother", "grandfather", "cousin",
            "friend", "partner", "fiance", "fiancee", "spouse", "girlfriend", "boyfriend", "neighbor", "neighbour", "hcp",
            "proxy", "guardian", "stepson", "stepdaughter", "sibling", "sister-in-law", "brother-in-law", "daughter-in-law",
            "son-in-law", "companion", "caregiver", "roommate", "godson", "goddaughter", "step-daughter", "step-son");
    private static final Set<String> NAME_LABELS = Words.of("name", "patient", "pt", "signed", "by", "contact", "attending",
            "resident", "intern", "fellow", "pcp", "nurse", "rn", "md", "cc", "from", "to", "dear", "sincerely", "regards");
    private static final Set<String> CONJUNCTIONS = Words.of("and", "or", "&");
    // Words that follow a title or relation but are not names.
    private static final Set<String> NOT_NAMES = Words.of("the", "a", "an", "is", "was", "in", "on", "at", "to", "and", "who",
            "with", "of", "for", "here", "there", "called", "aware", "notified", "states", "also", "has", "had",
            "paged", "informed", "ordered", "made", "said", "says", "feels", "felt", "thinks", "wants", "would", "should", "could",
            "did", "does", "not", "no", "yes", "see", "line", "lines", "care", "skin", "wound", "on-call", "covering", "today", "tonight", "now", "again", "back", "again", "this", "that",
            "present", "bedside", "team", "office", "pt", "patient", "dr", "md", "rn", "visited", "visiting", "came",
            "phoned", "spoke", "updated", "out", "are", "were", "being", "been", "per", "his", "her", "their", "pts");

    private final Lexicon lexicon;

    NameDetector(Lexicon lexicon) {
        this.lexicon = lexicon;
    }

    @Override
    public List<PhiSpan> find(Tokens tokens) {
        boolean mixedCase = DocumentCase.isMixed(tokens);
        boolean[] name = new boolean[tokens.size()];
        for (Token t : tokens.list()) {
            if (!t.isWord()) {
                continue;
            }
            String lower = t.lower();
            if (lexicon.isUnambiguousName(lower) && !isShorthand(t, mixedCase) && !RELATIONS.contains(lower) && !TITLES.contains(lower)) {
                name[t.index()] = true;
            }
            if (TITLES.contains(lower)) {
                afterTitle(tokens, t.index(), name, mixedCase, WEAK_TITLES.contains(lower));
            }
            if (RELATIONS.contains(lower)) {
                afterRelation(tokens, t.index(), name, mixedCase);
            }
            if (CREDENTIALS.contains(lower) && (t.isAllCaps() || t.text().length() > 2)) {
                beforeCredential(tokens, t.index(), name, mixedCase);
            }
        }
        initialThenSurname(tokens, name, mixedCase);
        if (mixedCase) {
            capitalisedUnknown(tokens, name);
        }
        beforeRelationInParentheses(tokens, name, mixedCase);
        pairUp(tokens, name, mixedCase);
        conjoinedNames(tokens, name, mixedCase);
        List<PhiSpan> out = new ArrayList<>();
        hyphenatedRelations(tokens, out);
        for (Token t : tokens.list()) {
            if (name[t.index()]) {
                out.add(new PhiSpan(t.start(), t.end(), PhiCategory.NAME));
            }
        }
        return out;
    }

    // Upper-case shorthand in mixed-case text (ALT, BUN) is an abbreviation, not a name.
    private boolean isShorthand(Token t, boolean mixedCase) {
        return mixedCase && t.isAllCaps() && t.text().length() <= 4 && !lexicon.isFirstName(t.lower());
    }

    /** Dr. Smith, Dr. J. Smith, Drs. Ballou and Dutter, Mrs. Rose Grant. */
    private void afterTitle(Tokens tokens, int i, boolean[] name, boolean mixedCase, boolean weak) {
        int j = i + 1;
        Token t = tokens.get(j);
        if (t == null || !t.isWord() || tokens.gapAfter(i).contains("\n")) {
            return;
        }
        if (weak && !((lexicon.isName(t.lower()) || t.isLetter()) && (!mixedCase || t.isTitleCase() || t.isAllCaps()))) {
            return;
        }
        int taken = takeNameRun(tokens, j, name, mixedCase, true);
        if (taken == 0) {
            return;
        }
        // "Drs. Rakusin and Toolis", "Dr. Vasquez, Dr Rizzo": one more name after a conjunction.
        int k = j + taken;
        Token conj = tokens.get(k);
        if (conj != null && CONJUNCTIONS.contains(conj.lower()) && tokens.get(k + 1) != null) {
            takeNameRun(tokens, k + 1, name, mixedCase, false);
        }
    }

    /** Takes the name words from {@code j} on; the first is taken on context alone when {@code firstOnContext}. */
    private int takeNameRun(Tokens tokens, int j, boolean[] name, boolean mixedCase, boolean firstOnContext) {
        int taken = 0;
        for (int k = j; k < j + 4 && k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (!t.isWord() || (k > j && !tokens.joinedToNext(k - 1))) {
                break;
            }
            boolean afterGiven = taken > 0 && (tokens.get(k - 1).isLetter() || lexicon.isFirstName(tokens.get(k - 1).lower()));
            boolean ok = taken == 0 && firstOnContext ? nameInPlace(t, mixedCase)
                    : nameLike(t, mixedCase) || afterGiven && (unknownWord(t, mixedCase)
                            || mixedCase && t.isTitleCase() && !lexicon.isClinical(t.lower()) && !NOT_NAMES.contains(t.lower()));
            if (!ok) {
                break;
            }
            name[k] = true;
            taken++;
            // After a surname that is not a first name, the name is over (Dr. Vasquez aware).
            if (!t.isLetter() && !lexicon.isFirstName(t.lower()) && taken >= 1 && !nextIsInitialOrName(tokens, k, mixedCase)) {
                break;
            }
        }
        return taken;
    }

    private boolean nextIsInitialOrName(Tokens tokens, int k, boolean mixedCase) {
        Token n = tokens.get(k + 1);
        return n != null && tokens.joinedToNext(k) && n.isWord() && (n.isLetter() || lexicon.isUnambiguousName(n.lower())
                || (mixedCase && n.isTitleCase() && lexicon.isName(n.lower())));
    }

    /** A word standing where a name stands: anything but ordinary words that are not names. */
    private boolean nameInPlace(Token t, boolean mixedCase) {
        String lower = t.lower();
        if (NOT_NAMES.contains(lower) || RELATIONS.contains(lower) || TITLES.contains(lower) || lexicon.isClinical(lower) && !lexicon.isName(lower)) {
            return false;
        }
        if (t.isLetter()) {
            return true;
        }
        if (mixedCase && t.isTitleCase()) {
            return true;
        }
        // After Dr. or Mrs. an ordinary word is a name unless it reads as a verb or adverb (Dr. Tyro, not Dr. aware).
        return !lexicon.isCommon(lower) || lexicon.isName(lower)
                || (lower.length() >= 4 && !lower.endsWith("ed") && !lower.endsWith("ing") && !lower.endsWith("ly"));
    }

    /** A word that continues a name: a known name, an initial, or an unknown capitalised word. */
    private boolean nameLike(Token t, boolean mixedCase) {
        String lower = t.lower();
        if (NOT_NAMES.contains(lower) || CREDENTIALS.contains(lower) || RELATIONS.contains(lower) || TITLES.contains(lower)) {
            return false;
        }
        if (t.isLetter()) {
            return !mixedCase || Character.isUpperCase(t.text().charAt(0));
        }
        if (lexicon.isUnambiguousName(lower)) {
            return true;
        }
        if (mixedCase) {
            return t.isTitleCase() && (lexicon.isName(lower) || !lexicon.isCommon(lower));
        }
        return lexicon.isName(lower) && !lexicon.isClinical(lower);
    }

    /** A word no list knows (a rare surname, as often as a typo): a name only where a name is expected. */
    private boolean unknownWord(Token t, boolean mixedCase) {
        String lower = t.lower();
        return t.text().length() >= 3 && !lexicon.isCommon(lower) && !lexicon.isName(lower) && !NOT_NAMES.contains(lower)
                && !RELATIONS.contains(lower) && !TITLES.contains(lower)
                && (!mixedCase || t.isTitleCase() || t.isAllCaps());
    }

    /** daughter Suzette, wife (Carol Buckley), son: Vladimir Erickson, dtr is mary. */
    private void afterRelation(Tokens tokens, int i, boolean[] name, boolean mixedCase) {
        int j = i + 1;
        String gap = tokens.gapAfter(i);
        if (gap.contains("\n")) {
            return;
        }
        // "daughter's name is", "son named", "wife is"
        for (int skip = 0; skip < 3; skip++) {
            Token t = tokens.get(j);
            if (t == null) {
                return;
            }
            String l = t.lower();
            if (l.equals("s") || l.equals("name") || l.equals("named") || l.equals("is") || l.equals("in") && tokens.get(j + 1) != null
                    && tokens.get(j + 1).lower().equals("law") || l.equals("law")) {
                j++;
            } else {
                break;
            }
        }
        Token t = tokens.get(j);
        if (t == null || !t.isWord()) {
            return;
        }
        String lower = t.lower();
        boolean candidate = lexicon.isUnambiguousName(lower)
                || (lexicon.isName(lower) && (lexicon.isFirstName(lower) || (mixedCase && t.isTitleCase())))
                || (mixedCase && t.isTitleCase() && !lexicon.isClinical(lower))
                || (!mixedCase && !lexicon.isCommon(lower) && lower.length() >= 3);
        if (candidate && !NOT_NAMES.contains(lower) && !RELATIONS.contains(lower) && !lower.equals("will")) {
            name[j] = true;
            int k = j + 1 + takeNameRun(tokens, j + 1, name, mixedCase, false);
            // Sons Smokey, Morris and Roger
            while (k + 1 < tokens.size() && (tokens.gapAfter(k - 1).strip().equals(",") || CONJUNCTIONS.contains(tokens.get(k).lower()))) {
                int next = CONJUNCTIONS.contains(tokens.get(k).lower()) ? k + 1 : k;
                Token n = tokens.get(next);
                if (n == null || !n.isWord() || !(lexicon.isName(n.lower()) && (!mixedCase || n.isTitleCase()) || unknownWord(n, mixedCase))
                        || NOT_NAMES.contains(n.lower())) {
                    break;
                }
                name[next] = true;
                k = next + 1;
            }
        }
    }

    /** Edward C. Jones, RRT; V. Finn, RRT; Bernard Foley CRT. */
    private void beforeCredential(Tokens tokens, int i, boolean[] name, boolean mixedCase) {
        if (i == 0 || tokens.gapBefore(i).contains("\n")) {
            return;
        }
        int k = i - 1;
        int taken = 0;
        boolean word = false;
        int from = k;
        while (k >= 0 && taken < 4) {
            Token t = tokens.get(k);
            boolean joined = k == i - 1 ? tokens.gapAfter(k).strip().matches(",?") : tokens.joinedToNext(k);
            if (!t.isWord() || !joined) {
                break;
            }
            if (t.isLetter() && (k == from || !tokens.gapAfter(k).startsWith("."))) {
                break;
            }
            if (!(t.isLetter() || nameLike(t, mixedCase)
                    || (taken == 0 && nameInPlace(t, mixedCase) && (lexicon.isName(t.lower()) || !lexicon.isCommon(t.lower()))))) {
                break;
            }
            word |= !t.isLetter();
            taken++;
            k--;
        }
        if (word) {
            for (int m = k + 1; m <= from; m++) {
                name[m] = true;
            }
        }
    }

    /** In mixed case, a capitalised word no dictionary knows, inside a sentence, is a proper name (a rare surname). */
    private void capitalisedUnknown(Tokens tokens, boolean[] name) {
        for (Token t : tokens.list()) {
            int i = t.index();
            if (name[i] || !t.isWord() || !t.isTitleCase() || t.text().length() < 3 || i == 0) {
                continue;
            }
            String gap = tokens.gapBefore(i);
            if (gap.contains("\n") || gap.contains(".") || gap.contains(":") || gap.contains("\"") || gap.contains("-")
                    || gap.contains("(") || gap.contains("!") || gap.contains("?") || gap.contains("*")) {
                continue;
            }
            String lower = t.lower();
            boolean heading = tokens.gapAfter(i).startsWith(":")
                    || tokens.gapAfter(i).contains("\n") && tokens.gapBefore(i).contains("\n");
            boolean lineStart = i < 2 || tokens.gapBefore(i - 1).contains("\n");
            if (lower.indexOf('-') >= 0 || heading || lineStart || NOT_NAMES.contains(lower) || RELATIONS.contains(lower)
                    || TITLES.contains(lower) || lexicon.isClinical(lower)) {
                continue;
            }
            boolean unknown = !lexicon.isCommon(lower) && !lexicon.isName(lower) && !lexicon.isPlace(lower);
            // A given name that is also a word (John, Rob, Hank) capitalised inside a sentence is the name.
            boolean givenName = lexicon.isFirstName(lower) && tokens.gapBefore(i).matches("[ ,]{1,3}");
            if (unknown || givenName) {
                name[i] = true;
            }
        }
    }

    /** Z. Miller, E. WELSH: an initial with its full stop before a surname. */
    private void initialThenSurname(Tokens tokens, boolean[] name, boolean mixedCase) {
        for (Token t : tokens.list()) {
            int i = t.index();
            Token next = tokens.get(i + 1);
            String before = tokens.gapBefore(i);
            if (!t.isLetter() || !Character.isUpperCase(t.text().charAt(0)) || next == null || !next.isWord()
                    || !tokens.gapAfter(i).matches("\\. ?") || before.endsWith("'") || before.isEmpty() && i > 0) {
                continue;
            }
            String lower = next.lower();
            boolean lineStart = i == 0 || tokens.gapBefore(i).contains("\n");
            if (lineStart && lexicon.isCommon(lower)) {
                continue;
            }
            if (lexicon.isSurname(lower) && !lexicon.isClinical(lower) && !NOT_NAMES.contains(lower)
                    && (next.isTitleCase() || next.isAllCaps()) && next.text().length() >= 3) {
                name[i] = true;
                name[i + 1] = true;
            }
        }
    }

    /** Hank Przybylo (son), Carol Buckley (wife). */
    private void beforeRelationInParentheses(Tokens tokens, boolean[] name, boolean mixedCase) {
        for (Token t : tokens.list()) {
            int i = t.index();
            if (!RELATIONS.contains(t.lower()) || i == 0 || !tokens.gapBefore(i).strip().equals("(")) {
                continue;
            }
            for (int k = i - 1; k >= 0 && k >= i - 3; k--) {
                Token w = tokens.get(k);
                if (!w.isWord() || (k < i - 1 && !tokens.joinedToNext(k)) || !(nameLike(w, mixedCase) || unknownWord(w, mixedCase))) {
                    break;
                }
                name[k] = true;
            }
        }
    }

    /** Suzette and Hank: a given name joined to a found name by "and" or "&". */
    private void conjoinedNames(Tokens tokens, boolean[] name, boolean mixedCase) {
        for (Token t : tokens.list()) {
            int i = t.index();
            Token conj = tokens.get(i + 1);
            Token other = tokens.get(i + 2);
            if (conj == null || other == null || !CONJUNCTIONS.contains(conj.lower()) || !tokens.joinedToNext(i)
                    || !tokens.joinedToNext(i + 1)) {
                continue;
            }
            for (int[] pair : new int[][] {{i, i + 2}, {i + 2, i}}) {
                Token cand = tokens.get(pair[1]);
                if (name[pair[0]] && !name[pair[1]] && cand.isWord() && lexicon.isFirstName(cand.lower())
                        && !lexicon.isClinical(cand.lower()) && !NOT_NAMES.contains(cand.lower()) && cand.text().length() >= 3
                        && (!mixedCase || cand.isTitleCase())) {
                    name[pair[1]] = true;
                }
            }
        }
    }

    /** DAUGHTER-KRISSY, son-Rob: a relation joined to a name by a hyphen (one token). */
    private void hyphenatedRelations(Tokens tokens, List<PhiSpan> out) {
        for (Token t : tokens.list()) {
            int dash = t.text().indexOf('-');
            if (dash <= 0 || !RELATIONS.contains(t.lower().substring(0, dash))) {
                continue;
            }
            String rest = t.lower().substring(dash + 1);
            if (rest.length() >= 2 && !RELATIONS.contains(rest) && !rest.equals("in-law") && !rest.startsWith("in-") && !rest.equals("law")
                    && (lexicon.isName(rest) || !lexicon.isCommon(rest))) {
                out.add(new PhiSpan(t.start() + dash + 1, t.end(), PhiCategory.NAME));
            }
        }
    }

    /** An ordinary-word name beside a found name or initial is part of it (Will Cole, Rose K. Grant). */
    private void pairUp(Tokens tokens, boolean[] name, boolean mixedCase) {
        for (int pass = 0; pass < 2; pass++) {
            for (Token t : tokens.list()) {
                int i = t.index();
                if (name[i] || !t.isWord()) {
                    continue;
                }
                boolean leftName = i > 0 && name[i - 1] && tokens.joinedToNext(i - 1);
                boolean rightName = i + 1 < tokens.size() && name[i + 1] && tokens.joinedToNext(i);
                if (!leftName && !rightName) {
                    continue;
                }
                String lower = t.lower();
                if (RELATIONS.contains(lower) || TITLES.contains(lower) || CREDENTIALS.contains(lower)) {
                    continue;
                }
                if (t.isLetter()) {
                    boolean sectionLabel = (i == 0 || tokens.gapBefore(i).contains("\n")) && tokens.gapAfter(i).matches("[.:].*");
                    if (sectionLabel) {
                        continue;
                    }
                    boolean initialShape = Character.isUpperCase(t.text().charAt(0))
                            && (tokens.gapAfter(i).startsWith(".") || rightName);
                    if (initialShape && !lower.equals("a") && !lower.equals("i")) {
                        name[i] = true;
                    }
                } else if (lexicon.isName(lower) && !NOT_NAMES.contains(lower) && !lexicon.isClinical(lower)
                        && (!lexicon.isCommon(lower) || lexicon.isFirstName(lower) || mixedCase && t.isTitleCase()
                            || leftName && lexicon.isUnambiguousName(tokens.get(i - 1).lower()) && lexicon.isFirstName(tokens.get(i - 1).lower()))
                        && (!mixedCase || t.isTitleCase() || t.isAllCaps() && lexicon.isFirstName(lower)
                            || lexicon.isFirstName(lower) && !lexicon.isCommon(lower))
                        && (lexicon.isFirstName(lower) && rightName || leftName && lexicon.isSurname(lower))) {
                    name[i] = true;
                }
            }
        }
    }
}
