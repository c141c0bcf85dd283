package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifiers with a shape of their own: e-mail, URLs, IP addresses, SSNs, telephone and pager numbers,
 * record and account numbers after their label, street addresses, ZIP codes after a state, ages over 89.
 * Dates are {@link DateDetector}'s.
 */
final class PatternDetector implements Detector {

    /** A pattern found anywhere; tried only on texts that contain one of its triggers (lower case), when it has any. */
    private record Rule(Pattern pattern, PhiCategory category, int group, List<String> triggers) {
        Rule(String regex, PhiCategory category, int group, String... triggers) {
            this(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), category, group, List.of(triggers));
        }

        Rule(Pattern pattern, PhiCategory category, int group) {
            this(pattern, category, group, List.of());
        }

        boolean mayMatch(String lowerText) {
            return triggers.isEmpty() || triggers.stream().anyMatch(lowerText::contains);
        }
    }

    /**
     * A number that is PHI after its label ("MRN: 123456", "pager #12345", "MD 21201"): numbers are found
     * first and only the 40 characters before each are matched against the label, which keeps long lists of
     * labels from being tried at every position of the text.
     */
    private record LabelledNumber(Pattern number, Pattern labelBefore, PhiCategory category) {
        LabelledNumber(String number, String labelBefore, PhiCategory category) {
            this(Pattern.compile(number), Pattern.compile("(?:" + labelBefore + ")$", Pattern.CASE_INSENSITIVE), category);
        }
    }

    private static final String STREET_TYPES = "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|court"
            + "|place|pl|way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|pike|row";
    private static final String STATE_CODES = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
            + "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
    private static final String STATE_NAMES = "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida"
            + "|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota"
            + "|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota"
            + "|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia"
            + "|washington|west virginia|wisconsin|wyoming";

    private static final List<Rule> RULES = List.of(
            new Rule("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+", PhiCategory.EMAIL, 0, "@"),
            new Rule("\\b(?:https?://|ftp://|www\\.)[^\\s<>\"')\\]]+", PhiCategory.URL, 0, "://", "www."),
            new Rule("\\b[\\w-]+(?:\\.[\\w-]+)*\\.(?:com|org|net|edu|gov|io)(?:/[^\\s<>\"')\\]]*)?\\b", PhiCategory.URL, 0,
                    ".com", ".org", ".net", ".edu", ".gov", ".io"),
            new Rule("\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b", PhiCategory.IP, 0, "."),
            new Rule("\\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\\b", PhiCategory.IP, 0, ":"),
            new Rule("\\b\\d{3}-\\d{2}-\\d{4}\\b", PhiCategory.SSN, 0, "-"),
            // 10-digit numbers in the usual groupings, with an optional +1 and extension.
            new Rule("(?<![\\d.])(?:\\+?1[\\s.-]?)?(?:\\(\\s*\\d{3}\\s*\\)|\\d{3})\\s?[-./ ]?\\s?\\d{3}\\s?[-./]\\s?\\d{4}(?:\\s*(?:x|ext\\.?)\\s*\\d{1,5})?(?![\\d])",
                    PhiCategory.PHONE, 0),
            new Rule("(?<![\\d.])\\d{3} \\d{3} \\d{4}(?![\\d])", PhiCategory.PHONE, 0),
            new Rule("(?<![\\d.-])\\d{3}-\\d{4}(?![\\d-]|\\s*(?:cc|ml|mg|units?)\\b)", PhiCategory.PHONE, 0, "-"),
            // Long runs of digits and letter-digit codes identify something even without a label.
            new Rule("(?<![\\d.,/])\\d{7,}(?![\\d.,/])", PhiCategory.ID, 0),
            new Rule(Pattern.compile("\\b[A-Z]{1,3}\\d{6,}\\b"), PhiCategory.ID, 0),
            new Rule("\\b\\d{1,6}(?:-?[a-z])?\\s+(?:[nsew]\\.?\\s+|north\\s+|south\\s+|east\\s+|west\\s+)?(?:[a-z][a-z'.-]*\\s+){1,3}(?:" + STREET_TYPES
                    + ")\\b\\.?(?:\\s*,?\\s*(?:apt|apartment|unit|suite|ste|#)\\.?\\s*#?\\s*\\w+)?", PhiCategory.ADDRESS, 0),
            new Rule(Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Dr|Ct|Pl)\\b\\.?"), PhiCategory.ADDRESS, 0),
            new Rule("\\b(?:p\\.?\\s?o\\.?\\s?box|post office box)\\s*#?\\s*\\d+", PhiCategory.ADDRESS, 0, "box"),
            new Rule("\\b((?:9\\d|1[0-4]\\d)(?:\\.\\d)?)\\s*(?:-|\\s)?(?:yo|y/o|y\\.o\\.?|yr?s?\\.?(?:[\\s-]*old)?|years?(?:[\\s-]*old)?|year-old|yoM|yoF)(?![a-z])",
                    PhiCategory.AGE, 1),
            new Rule("\\b((?:9\\d|1[0-4]\\d))\\s*(?:yo|y/o)?\\s*(?:m|f|male|female|man|woman|gentleman|lady)\\b", PhiCategory.AGE, 1),
            new Rule("\\b(?:nineties|ninety[- ](?:one|two|three|four|five|six|seven|eight|nine)|one hundred(?: and \\w+)?)(?=[\\s-]*(?:years?|yo|y/o))",
                    PhiCategory.AGE, 0, "ninet", "hundred"));

    private static final String PHONE_LABELS = "pager|beeper|bpr|pgr|page|pg|cell|mobile|tel|telephone|phone|ph|fax|home|work|office"
            + "|ext|extension|x";
    private static final List<LabelledNumber> LABELLED = List.of(
            new LabelledNumber("(?<!\\d)(?:\\d{9}|\\d{3}\\s\\d{2}\\s\\d{4})(?!\\d)", "\\b(?:ssn|social security(?: number| no\\.?)?)\\s*[:#]?\\s*",
                    PhiCategory.SSN),
            new LabelledNumber("(?<![\\d.])(?:\\d{3}[-. ]\\d{4}|\\d-\\d{4}|\\d{4,7})(?!\\d|\\.\\d)",
                    "\\b(?:" + PHONE_LABELS + ")\\.?\\s*(?:#|no\\.?|number|:)?\\s*[:#]?\\s*", PhiCategory.PHONE),
            new LabelledNumber("(?<![\\d.])(?:\\d{4,5}|\\d-\\d{4})(?!\\d|\\.\\d)",
                    "\\b(?:page[dr]?|beep(?:er|ed)?|pgr|bpr)\\b[^\\n\\d]{0,20}|\\b(?:call(?:ed)?|contact(?:ed)?|reach(?:ed)?)\\b[^\\n\\d]{0,20}#\\s*",
                    PhiCategory.PHONE),
            new LabelledNumber("(?<![\\w-])[A-Za-z]{0,3}[-#]?\\d[\\d-]{3,}[A-Za-z]?\\b",
                    "\\b(?:mrn|mr\\s?#|mr no\\.?|medical record(?: number| no\\.?| #)?|record (?:number|no\\.?|#)|unit (?:number|no\\.?)"
                    + "|acct|account(?: number| no\\.?| #)?|member id|member (?:number|no\\.?)|policy(?: number| no\\.?| #)?"
                    + "|health plan(?: number| id)?|insurance id|subscriber id|licen[cs]e(?: number| no\\.?| #)?|dea(?: number| #)?|npi|vin"
                    + "|serial(?: number| no\\.?| #)?|device id|patient id|pt id|id(?: number| no\\.?| #)?|case (?:number|no\\.?|#))"
                    + "\\s*(?:is|was)?\\s*[:#=]?\\s*", PhiCategory.ID),
            new LabelledNumber("(?<!\\d)\\d{5}(?:-\\d{4})?(?!\\d)", "(?-i:\\b(?:" + STATE_CODES + "))\\.?,?\\s+|\\b(?:" + STATE_NAMES + "),?\\s+"
                    + "|\\b(?:zip|zip code|postal code)\\s*[:#]?\\s*", PhiCategory.ZIP),
            new LabelledNumber("(?<!\\d)(?:9\\d|1[0-4]\\d)(?!\\d)", "\\b(?:age|aged)\\s*[:=]?\\s*", PhiCategory.AGE));

    @Override
    public List<PhiSpan> find(Tokens tokens) {
        String text = tokens.text();
        List<PhiSpan> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (Rule rule : RULES) {
            if (!rule.mayMatch(lower)) {
                continue;
            }
            Matcher m = rule.pattern.matcher(text);
            while (m.find()) {
                int s = m.start(rule.group);
                int e = m.end(rule.group);
                if (s < 0 || e <= s) {
                    continue;
                }
                if (rule.category == PhiCategory.ADDRESS && !plausibleStreet(m.group())) {
                    continue;
                }
                out.add(new PhiSpan(s, trimEnd(text, s, e), rule.category));
            }
        }
        for (LabelledNumber rule : LABELLED) {
            Matcher m = rule.number.matcher(text);
            Matcher label = rule.labelBefore.matcher(text);
            while (m.find()) {
                label.region(Math.max(0, m.start() - 40), m.start());
                if (label.find()) {
                    out.add(new PhiSpan(m.start(), m.end(), rule.category));
                }
            }
        }
        return out;
    }

    // "2 units prbc", "3 lines dr..." : a street needs a word that is not clinical shorthand before its type.
    private static boolean plausibleStreet(String match) {
        String lower = match.toLowerCase(Locale.ROOT);
        return !lower.matches("(?s).*\\b(?:units?|mg|mcg|ml|cc|l|times|x|days?|hours?|hrs?|min|minutes|weeks?|liters?|tabs?|doses?|puffs?)\\b.*");
    }

    private static int trimEnd(String text, int s, int e) {
        while (e > s + 1 && (text.charAt(e - 1) == '.' || Character.isWhitespace(text.charAt(e - 1)))) {
            e--;
        }
        return e;
    }
}
