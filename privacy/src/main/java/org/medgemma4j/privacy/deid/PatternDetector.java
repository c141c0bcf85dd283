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

    private record Rule(Pattern pattern, PhiCategory category, int group) {
        Rule(String regex, PhiCategory category, int group) {
            this(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), category, group);
        }
    }

    private static final String STREET_TYPES = "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|court"
            + "|place|pl|way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|pike|row";

    private static final List<Rule> RULES = List.of(
            new Rule("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+", PhiCategory.EMAIL, 0),
            new Rule("\\b(?:https?://|ftp://|www\\.)[^\\s<>\"')\\]]+", PhiCategory.URL, 0),
            new Rule("\\b[\\w-]+(?:\\.[\\w-]+)*\\.(?:com|org|net|edu|gov|io)(?:/[^\\s<>\"')\\]]*)?\\b", PhiCategory.URL, 0),
            new Rule("\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b", PhiCategory.IP, 0),
            new Rule("\\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\\b", PhiCategory.IP, 0),
            new Rule("\\b\\d{3}-\\d{2}-\\d{4}\\b", PhiCategory.SSN, 0),
            new Rule("\\b(?:ssn|social security(?: number| no\\.?)?)\\s*[:#]?\\s*(\\d{9}|\\d{3}\\s\\d{2}\\s\\d{4})\\b", PhiCategory.SSN, 1),
            // 10-digit numbers in the usual groupings, with an optional +1 and extension.
            new Rule("(?<![\\d.])(?:\\+?1[\\s.-]?)?(?:\\(\\s*\\d{3}\\s*\\)|\\d{3})\\s?[-./ ]?\\s?\\d{3}\\s?[-./]\\s?\\d{4}(?:\\s*(?:x|ext\\.?)\\s*\\d{1,5})?(?![\\d])",
                    PhiCategory.PHONE, 0),
            // 7-digit local numbers and pager/extension numbers after their label.
            new Rule("\\b(?:pager|beeper|bpr|pgr|page|pg|cell|mobile|tel|telephone|phone|ph|fax|home|work|office|ext|extension|x)"
                    + "\\s*(?:#|no\\.?|number|:)?\\s*[:#]?\\s*((?:\\d{3}[-. ]\\d{4})|\\d{4,7})\\b", PhiCategory.PHONE, 1),
            new Rule("\\b(?:mrn|mr\\s?#|mr no\\.?|medical record(?: number| no\\.?| #)?|record (?:number|no\\.?|#)|unit (?:number|no\\.?)"
                    + "|acct|account(?: number| no\\.?| #)?|member id|member (?:number|no\\.?)|policy(?: number| no\\.?| #)?|health plan(?: number| id)?"
                    + "|insurance id|subscriber id|licen[cs]e(?: number| no\\.?| #)?|dea(?: number| #)?|npi|vin|serial(?: number| no\\.?| #)?"
                    + "|device id|patient id|pt id|id(?: number| no\\.?| #)?|case (?:number|no\\.?|#))"
                    + "\\s*(?:is|was)?\\s*[:#=]?\\s*([a-z]{0,3}[-#]?\\d[\\d-]{3,}[a-z]?)\\b", PhiCategory.ID, 1),
            // Long runs of digits and letter-digit codes identify something even without a label.
            new Rule("(?<![\\d.,/])\\d{7,}(?![\\d.,/])", PhiCategory.ID, 0),
            new Rule("\\b[A-Z]{1,3}\\d{6,}\\b", PhiCategory.ID, 0),
            new Rule("\\b\\d{1,6}(?:-?[a-z])?\\s+(?:[nsew]\\.?\\s+|north\\s+|south\\s+|east\\s+|west\\s+)?(?:[a-z][a-z'.-]*\\s+){1,3}(?:" + STREET_TYPES
                    + ")\\b\\.?(?:\\s*,?\\s*(?:apt|apartment|unit|suite|ste|#)\\.?\\s*#?\\s*\\w+)?", PhiCategory.ADDRESS, 0),
            new Rule(Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Dr|Ct|Pl)\\b\\.?"), PhiCategory.ADDRESS, 0),
            new Rule("\\b(?:p\\.?\\s?o\\.?\\s?box|post office box)\\s*#?\\s*\\d+", PhiCategory.ADDRESS, 0),
            new Rule("\\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA"
                    + "|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida"
                    + "|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
                    + "|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota"
                    + "|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia"
                    + "|Washington|West Virginia|Wisconsin|Wyoming),?\\s+(\\d{5}(?:-\\d{4})?)\\b", PhiCategory.ZIP, 1),
            new Rule("\\b(?:zip|zip code|postal code)\\s*[:#]?\\s*(\\d{5}(?:-\\d{4})?)\\b", PhiCategory.ZIP, 1),
            new Rule("\\b((?:9\\d|1[0-4]\\d)(?:\\.\\d)?)\\s*(?:-|\\s)?(?:yo|y/o|y\\.o\\.?|yr?s?\\.?(?:[\\s-]*old)?|years?(?:[\\s-]*old)?|year-old|yoM|yoF)(?![a-z])",
                    PhiCategory.AGE, 1),
            new Rule("\\b(?:age|aged)\\s*[:=]?\\s*((?:9\\d|1[0-4]\\d))\\b", PhiCategory.AGE, 1),
            new Rule("\\b((?:9\\d|1[0-4]\\d))\\s*(?:yo|y/o)?\\s*(?:m|f|male|female|man|woman|gentleman|lady)\\b", PhiCategory.AGE, 1),
            new Rule("\\b(?:nineties|ninety[- ](?:one|two|three|four|five|six|seven|eight|nine)|one hundred(?: and \\w+)?)(?=[\\s-]*(?:years?|yo|y/o))",
                    PhiCategory.AGE, 0));

    @Override
    public List<PhiSpan> find(Tokens tokens) {
        String text = tokens.text();
        List<PhiSpan> out = new ArrayList<>();
        for (Rule rule : RULES) {
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
