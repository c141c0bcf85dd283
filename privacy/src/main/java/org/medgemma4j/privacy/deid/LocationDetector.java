package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hospitals and other facilities, towns and cities. A facility is the proper words before a word such as
 * Hospital, Medical Center or Rehab (Holy Cross Hospital, Kernan hosp) or an acronym ending like one
 * (MGH, VAMC) where a patient goes to, comes from or stays at. A town is a gazetteer entry after
 * "lives in", "from" or before a state; gazetteer entries that are no ordinary word count anywhere.
 */
final class LocationDetector implements Detector {

    private static final Set<String> FACILITY_WORDS = Words.of("hospital", "hosp", "hospitals", "clinic", "clinics",
            "rehab", "rehabilitation", "infirmary", "hospice", "sanatorium", "sanitarium", "medical", "health", "healthcare",
            "memorial", "nursing", "manor", "institute", "university", "college", "school", "center", "centre", "ctr",
            "home", "homes", "house", "village", "estates", "residence", "lodge", "living", "care", "facility", "practice",
            "associates", "pharmacy", "church", "va", "vamc", "general", "county", "community", "regional");
    // The words that make a phrase a facility (the others only continue one).
    private static final Set<String> FACILITY_HEADS = Words.of("hospital", "hosp", "clinic", "rehab", "rehabilitation", "infirmary",
            "hospice", "memorial", "manor", "institute", "university", "sanatorium", "sanitarium", "healthcare", "vamc", "regional",
            "general", "campus");
    // Hospital names common enough across the US to be used without the word Hospital (general knowledge, not a corpus list).
    private static final Set<String> FACILITY_NAMES = Words.of("holy cross", "sacred heart", "good samaritan", "mount sinai",
            "mt sinai", "beth israel", "johns hopkins", "mass general", "mayo clinic", "cleveland clinic", "kaiser permanente",
            "brigham and women's", "lahey clinic", "spaulding rehab", "shriners", "cedars-sinai", "cedars sinai", "st jude");
    private static final Set<String> STATES = Words.of("alabama", "alaska", "arizona", "arkansas", "california", "colorado",
            "connecticut", "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
            "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana",
            "nebraska", "nevada", "hampshire", "jersey", "mexico", "york", "carolina", "dakota", "ohio", "oklahoma", "oregon",
            "pennsylvania", "rhode", "tennessee", "texas", "utah", "vermont", "virginia", "washington", "wisconsin", "wyoming",
            "md", "ma", "ny", "nj", "pa", "va", "dc", "ca", "tx", "fl", "ct", "nh", "ri", "me", "vt", "de", "wv", "nc", "sc", "ga");
    private static final Set<String> FACILITY_PHRASE_HEADS = Words.of("medical center", "medical centre", "medical ctr", "med center",
            "med ctr", "health center", "health centre", "nursing home", "nursing facility", "nursing center", "care center",
            "assisted living", "rehab center", "rehabilitation center", "cancer center", "heart center", "surgery center",
            "surgical center", "senior center", "senior living", "retirement home", "retirement community", "group home",
            "medical group", "family practice", "health system", "health services", "medical associates");
    // Words that often begin a facility's own name.
    private static final Set<String> FACILITY_NAME_WORDS = Words.of("st", "saint", "holy", "sacred", "heart", "cross", "mercy",
            "good", "samaritan", "general", "memorial", "university", "of", "mount", "mt", "sinai", "children's", "childrens",
            "womens", "women's", "baptist", "methodist", "presbyterian", "lutheran", "adventist", "jewish", "catholic",
            "community", "regional", "county", "city", "valley", "lakes", "lake", "river", "park", "hill", "hills", "view",
            "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "new", "union", "grace",
            "hope", "bay", "harbor", "harbour", "shore", "spring", "springs", "pines", "oaks", "manor", "brook", "meadows");
    private static final Set<String> MOVES = Words.of("to", "from", "at", "in", "into", "@", "via", "transfer", "transferred",
            "tx", "trans", "admitted", "discharged", "dc", "d/c", "sent", "seen", "returned", "followed", "osh", "the", "by",
            "leave", "left", "per", "of");
    private static final Set<String> LIVES = Words.of("in", "from", "near", "of", "to", "at", "lives", "resides", "living",
            "moved", "visiting", "flying", "fly", "drove", "driving", "born", "home", "house");
    private static final Set<String> NOT_FACILITY_ACRONYMS = Words.of("bph", "pth", "ldh", "tsh", "acth", "fsh", "adh", "lvh", "rvh",
            "iih", "hh", "lh", "dh", "uh", "oh", "ah", "eh", "nh", "ph", "sah", "sdh", "edh", "ivh", "ich", "bih",
            "hch", "ch", "th", "sh", "wh", "rh", "pmh", "hcc", "mc", "lmc", "smc", "pmc", "ecmc", "tlc", "icc", "osh", "nch",
            "dvh", "agh", "tbh", "nph", "hah", "cah", "mah", "hmc", "cmc", "ohc");

    private final Lexicon lexicon;

    LocationDetector(Lexicon lexicon) {
        this.lexicon = lexicon;
    }

    @Override
    public List<PhiSpan> find(Tokens tokens) {
        boolean mixedCase = DocumentCase.isMixed(tokens);
        List<PhiSpan> out = new ArrayList<>();
        for (Token t : tokens.list()) {
            if (!t.isWord()) {
                continue;
            }
            int i = t.index();
            String lower = t.lower();
            int headEnd = facilityHeadEnd(tokens, i);
            if (headEnd >= 0) {
                facilityBefore(tokens, i, headEnd, mixedCase, out);
            }
            if (isFacilityAcronym(tokens, t)) {
                out.add(new PhiSpan(t.start(), t.end(), PhiCategory.FACILITY));
            }
            if (lower.equals("st") || lower.equals("saint")) {
                saintName(tokens, i, out);
            }
            knownFacility(tokens, i, out);
            universityOf(tokens, i, out);
            gazetteer(tokens, i, mixedCase, out);
            unknownWhereAPlaceGoes(tokens, i, out);
            ward(tokens, i, mixedCase, out);
            if (mixedCase) {
                capitalisedDestination(tokens, i, out);
            }
        }
        return out;
    }

    /** The index of the last token of a facility word or phrase starting at {@code i}, or -1. */
    private int facilityHeadEnd(Tokens tokens, int i) {
        String lower = tokens.get(i).lower();
        Token next = tokens.get(i + 1);
        if (next != null && tokens.joinedToNext(i) && FACILITY_PHRASE_HEADS.contains(lower + " " + next.lower())) {
            return i + 1;
        }
        return FACILITY_HEADS.contains(lower) ? i : -1;
    }

    /** Holy Cross Hospital, Kernan hosp, University of Maryland Medical Center, Maryland Rehab. */
    private void facilityBefore(Tokens tokens, int head, int headEnd, boolean mixedCase, List<PhiSpan> out) {
        int k = head - 1;
        int first = head;
        while (k >= 0 && head - k <= 5 && tokens.joinedToNext(k)) {
            Token t = tokens.get(k);
            if (!facilityNameWord(t, mixedCase)) {
                break;
            }
            first = k;
            k--;
        }
        // "of" cannot begin a name; "the" is not part of it.
        while (first < head && Words.of("of", "the").contains(tokens.get(first).lower())) {
            first++;
        }
        int last = headEnd;
        // University of Maryland Medical Center, Memorial Hospital of Baltimore
        while (last + 2 < tokens.size() && tokens.get(last + 1).lower().equals("of") && tokens.joinedToNext(last)
                && tokens.joinedToNext(last + 1) && facilityNameWord(tokens.get(last + 2), mixedCase)
                && !tokens.get(last + 2).lower().equals("the")) {
            last += 2;
            int h = facilityHeadEnd(tokens, last + 1 < tokens.size() ? last + 1 : last);
            if (h > last && tokens.joinedToNext(last)) {
                last = h;
            }
        }
        if (first < head || last > headEnd) {
            out.add(new PhiSpan(tokens.get(first).start(), tokens.get(last).end(), PhiCategory.FACILITY));
        }
    }

    private boolean facilityNameWord(Token t, boolean mixedCase) {
        if (!t.isWord()) {
            return false;
        }
        String lower = t.lower();
        if (Words.of("the", "a", "an", "to", "from", "at", "in", "and", "or", "with", "for", "by", "was", "is", "pt", "patient",
                "outside", "local", "other", "another", "osh", "transfer", "transferred", "admitted", "her", "his", "their").contains(lower)) {
            return false;
        }
        if (FACILITY_NAME_WORDS.contains(lower) || FACILITY_WORDS.contains(lower) || STATES.contains(lower)) {
            return true;
        }
        if (mixedCase) {
            return t.isTitleCase() || (t.isAllCaps() && t.text().length() >= 2);
        }
        return !lexicon.isCommon(lower) || lexicon.isName(lower) || lexicon.isPlace(lower);
    }

    private void saintName(Tokens tokens, int i, List<PhiSpan> out) {
        Token next = tokens.get(i + 1);
        String nextLower = next == null ? "" : next.lower().replaceAll("'s$", "");
        if (next != null && next.isWord() && tokens.joinedToNext(i) && lexicon.isName(nextLower)
                && (next.isTitleCase() || next.isAllCaps()) && tokens.get(i).text().charAt(0) == Character.toUpperCase(tokens.get(i).text().charAt(0))) {
            int end = next.index();
            Token after = tokens.get(end + 1);
            if (after != null && tokens.joinedToNext(end) && (after.lower().equals("s") || after.lower().equals("hospital"))) {
                end++;
            }
            out.add(new PhiSpan(tokens.get(i).start(), tokens.get(end).end(), PhiCategory.FACILITY));
        }
    }

    private void knownFacility(Tokens tokens, int i, List<PhiSpan> out) {
        Token t = tokens.get(i);
        Token next = tokens.get(i + 1);
        if (next == null || !tokens.joinedToNext(i)) {
            return;
        }
        String two = t.lower() + " " + next.lower();
        if (FACILITY_NAMES.contains(two)) {
            out.add(new PhiSpan(t.start(), next.end(), PhiCategory.FACILITY));
        }
    }

    /** University of Maryland, U of MD, Univ. of Michigan. */
    private void universityOf(Tokens tokens, int i, List<PhiSpan> out) {
        Token t = tokens.get(i);
        String lower = t.lower();
        if (!(lower.equals("university") || lower.equals("univ") || lower.equals("u") && t.isAllCaps())) {
            return;
        }
        int k = i + 1;
        if (tokens.get(k) != null && tokens.get(k).lower().equals("of") && tokens.joinedToNext(i)) {
            k++;
        }
        Token place = tokens.get(k);
        if (place != null && place.isWord() && tokens.joinedToNext(k - 1)
                && (STATES.contains(place.lower()) || lexicon.isPlace(place.lower()) && !lexicon.isCommon(place.lower()))) {
            out.add(new PhiSpan(t.start(), place.end(), PhiCategory.FACILITY));
        }
    }

    /** MGH, BWH, VAMC, UMMC after "to", "at", "from" or before ER/EW/cath lab. */
    private boolean isFacilityAcronym(Tokens tokens, Token t) {
        String lower = t.lower();
        int n = lower.length();
        if (n < 2 || n > 6 || lexicon.isClinical(lower) && !lower.equals("vamc") || NOT_FACILITY_ACRONYMS.contains(lower)) {
            return false;
        }
        boolean shape = lower.endsWith("h") || lower.endsWith("mc") || lower.endsWith("hc") || lower.equals("vamc");
        if (!shape || !(t.isAllCaps() || !DocumentCase.isMixed(tokens) && n <= 4)) {
            return false;
        }
        if (lexicon.isEnglish(lower) && n > 2) {
            return false;
        }
        Token prev = tokens.get(t.index() - 1);
        Token next = tokens.get(t.index() + 1);
        boolean movedThere = prev != null && MOVES.contains(prev.lower()) && !tokens.gapBefore(t.index()).contains("\n");
        boolean department = next != null && Words.of("er", "ew", "ed", "ccu", "icu", "cath", "micu", "sicu", "ctu", "floor", "clinic",
                "hospital", "lab", "system").contains(next.lower());
        return movedThere || department;
    }

    /** Catonsville, Pikesville, Seattle; Warren or Hampton only after "lives in", "from" and the like. */
    private void gazetteer(Tokens tokens, int i, boolean mixedCase, List<PhiSpan> out) {
        Token t = tokens.get(i);
        if (mixedCase && !(t.isTitleCase() || t.isAllCaps())) {
            return;
        }
        StringBuilder phrase = new StringBuilder();
        int best = -1;
        for (int k = i; k < i + lexicon.longestPlaceWords() && k < tokens.size(); k++) {
            Token w = tokens.get(k);
            if (!w.isWord() || (k > i && !tokens.joinedToNext(k - 1))) {
                break;
            }
            if (k > i) {
                phrase.append(' ');
            }
            phrase.append(w.lower());
            if (lexicon.isPlace(phrase.toString())) {
                best = k;
            }
        }
        if (best < 0) {
            return;
        }
        String lower = t.lower();
        boolean multiWord = best > i;
        boolean ordinary = !multiWord && (lexicon.isCommon(lower) || lower.length() < 4 || lexicon.isFirstName(lower));
        Token prev = tokens.get(i - 1);
        boolean placeContext = prev != null && LIVES.contains(prev.lower()) && !tokens.gapBefore(i).contains("\n");
        // An ordinary word (Warren, Bay, Day) is a town only after "lives in", "moved to" and the like, or capitalised in mixed case.
        if (ordinary && placeContext && !mixedCase) {
            Token before = tokens.get(i - 2);
            placeContext = before != null && Words.of("lives", "living", "resides", "reside", "moved", "born", "raised", "native",
                    "home", "house", "visiting", "flying", "fly", "flew", "drove", "driving", "works", "worked", "trip").contains(before.lower());
        }
        Token after = tokens.get(best + 1);
        boolean stateAfter = after != null && tokens.gapAfter(best).strip().equals(",")
                && after.isAllCaps() && after.text().length() == 2;
        boolean ordinaryMulti = multiWord && lexicon.isCommon(tokens.get(best).lower()) && lexicon.isCommon(lower);
        if ((!ordinary && !ordinaryMulti) || (placeContext && !lexicon.isClinical(lower)) || stateAfter) {
            if (ordinary && !stateAfter && !(mixedCase ? t.isTitleCase() || t.isAllCaps() : true)) {
                return;
            }
            if (ordinary && placeContext && Words.of("home", "bed", "her", "his", "the", "a", "this", "that", "time", "order", "addition",
                    "pain", "one", "two", "house", "care").contains(lower)) {
                return;
            }
            out.add(new PhiSpan(t.start(), tokens.get(best).end(), PhiCategory.LOCATION));
        }
    }

    /** "lives in Lochearn", "resides in Brookfield": a word no list knows after a place phrase is a place. */
    private void unknownWhereAPlaceGoes(Tokens tokens, int i, List<PhiSpan> out) {
        Token t = tokens.get(i);
        Token prev = tokens.get(i - 1);
        Token before = tokens.get(i - 2);
        if (prev == null || before == null || !t.isWord() || t.text().length() < 3 || !tokens.joinedToNext(i - 1)
                || !tokens.joinedToNext(i - 2)) {
            return;
        }
        String lower = t.lower();
        boolean placePhrase = Words.of("in", "at", "to", "near", "from", "of").contains(prev.lower())
                && Words.of("lives", "living", "resides", "resident", "moved", "born", "raised", "native", "home", "house", "visiting",
                "flying", "flew", "drove", "driving", "works", "worked", "trip", "vacation", "vacationing", "returned").contains(before.lower());
        if (placePhrase && !lexicon.isCommon(lower) && !lexicon.isName(lower)) {
            out.add(new PhiSpan(t.start(), t.end(), PhiCategory.LOCATION));
        }
    }

    /** A ward or unit named after a person or place, as "transferred to Quartermain 3". */
    private void ward(Tokens tokens, int i, boolean mixedCase, List<PhiSpan> out) {
        Token t = tokens.get(i);
        Token prev = tokens.get(i - 1);
        Token next = tokens.get(i + 1);
        if (prev == null || next == null || !next.isNumber() || next.text().length() > 2 || !tokens.joinedToNext(i)) {
            return;
        }
        String lower = t.lower();
        if (!Words.of("to", "from", "on", "at", "in", "per").contains(prev.lower()) || lexicon.isCommon(lower) || lower.length() < 4) {
            return;
        }
        out.add(new PhiSpan(t.start(), t.end(), PhiCategory.FACILITY));
    }

    /** "went to Harbor", "transferred from Lakeside": in mixed case a capitalised word where a place goes is a place. */
    private void capitalisedDestination(Tokens tokens, int i, List<PhiSpan> out) {
        Token t = tokens.get(i);
        Token prev = tokens.get(i - 1);
        if (prev == null || !t.isTitleCase() || t.text().length() < 3 || !Words.of("to", "from", "at").contains(prev.text())
                || !tokens.gapBefore(i).equals(" ")) {
            return;
        }
        Token before = tokens.get(i - 2);
        String lower = t.lower();
        boolean moved = before != null && Words.of("went", "go", "going", "gone", "sent", "transferred", "transfered", "returned", "admitted",
                "discharged", "moved", "taken", "brought", "surgeon", "came", "come", "coming", "back", "meeting", "seen", "transfer",
                "d/c", "dc'd", "rehab", "bed", "placement", "wants", "want").contains(before.lower());
        if (moved && !lexicon.isClinical(lower) && !Words.of("the", "his", "her", "their", "this", "that", "home", "bed", "work", "see",
                "be", "have", "get", "rehab", "hospital", "floor", "unit", "icu", "micu", "ccu", "er", "ed", "or", "dr").contains(lower)) {
            out.add(new PhiSpan(t.start(), t.end(), PhiCategory.FACILITY));
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
