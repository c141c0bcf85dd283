package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates in their usual written forms (7/22, 7/22/2019, 2019-07-22, July 22nd, 22 Jul 2019, March of 1993),
 * years (1992, '92) and holidays. Numbers that only look like dates are left alone: blood pressures
 * (BP 120/80 fails the month test, but BP 110/9 does not), pain scores (5/10), strengths (5/5),
 * fractions of saline (1/2 NS) and clock times (1930 after "at").
 */
final class DateDetector implements Detector {

    static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    private static final String DAY = "(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?";
    private static final String YEAR = "(?:(?:19|20)\\d\\d|'\\d\\d)";

    private static final Pattern NUMERIC = Pattern.compile(
            "(?<![\\d/]|\\d[.:])(\\d{1,2})[/-](\\d{1,2})(?:[/-](\\d{4}|\\d{2}))?(?![\\d/]|\\.\\d|:\\d)");
    private static final Pattern ISO = Pattern.compile("\\b(?:19|20)\\d\\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:[12]\\d|3[01]|0?[1-9])\\b");
    private static final Pattern MONTH_YEAR_NUMERIC = Pattern.compile("(?<![\\d/])(?:0?[1-9]|1[0-2])/(?:(?:19|20)\\d\\d|3[2-9]|[4-9]\\d|00)(?![\\d/]|\\.\\d)");
    private static final Pattern ORDINAL_DAY = Pattern.compile("\\b(?:on\\s+)?the\\s+(?:[12]?\\d|3[01])(?:st|nd|rd|th)\\b(?!\\s+(?:time|day of|dose|week|hour|cycle|percentile))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MONTH_WORD = Pattern.compile("\\b" + MONTH + "\\b\\.?", Pattern.CASE_INSENSITIVE);
    private static final Pattern MONTH_CONTEXT = Pattern.compile("\\b(?:in|since|early|late|mid|end of|beginning of)\\s$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WRITTEN = Pattern.compile(
            "\\b(?:" + DAY + "\\s+(?:of\\s+)?" + MONTH + "\\.?(?:,?\\s+" + YEAR + ")?"
                    + "|" + MONTH + "\\.?\\s+(?:the\\s+)?" + DAY + "(?:,?\\s+" + YEAR + ")?"
                    + "|" + MONTH + "\\.?,?\\s+(?:of\\s+)?" + YEAR + ")(?![\\w])",
            Pattern.CASE_INSENSITIVE);
    // A month named alone ("in November"): only the full names that are not also common words.
    private static final Pattern MONTH_ALONE = Pattern.compile(
            "\\b(?:january|february|april|june|july|august|september|october|november|december)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern YEAR_4 = Pattern.compile("(?<![\\d.,/:#-])(?:19|20)\\d\\d(?![\\d.,]\\d|\\s*(?:cc|ml|mg|mcg|units?|u|kcal|cal|g|gm|mm|cm|ms|kg|lb|lbs|mmhg)\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern YEAR_APOSTROPHE = Pattern.compile("(?<=['`\u2019])\\d\\d\\b|\\b\\d\\d(?=['`\u2019](?![a-z]))", Pattern.CASE_INSENSITIVE);
    // Past history lists: "MI 92", "CABG 1995" is caught above; "s/p AVR 84", "dx 09".
    private static final Pattern TWO_DIGITS = Pattern.compile(
            "(?<![\\d.,/'-])\\d\\d(?=\\s*[,;.)]|\\s*$|\\s+(?:and|with|w/|s/p|-)\\s)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern EVENT_BEFORE = Pattern.compile(
            "\\b(?:mi|nqwmi|ami|imi|cabg|ptca|pci|stent|stents|avr|mvr|cva|tia|dvt|appy|chole|cholecystectomy|hysterectomy|tah|bso|turp"
                    + "|nephrectomy|mastectomy|lumpectomy|ablation|pacer|ppm|aicd|angioplasty|surgery|fx|dx|diagnosed|redo|resection|repair"
                    + "|replacement|transplant|ca|cancer|in|since|year|yr)\\s$", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOLIDAY = Pattern.compile(
            "\\b(?:christmas(?: eve| day)?|xmas|thanksgiving(?: day)?|new year'?s(?: eve| day)?|easter(?: sunday)?|halloween"
                    + "|independence day|fourth of july|4th of july|memorial day|labor day|veterans day|valentine'?s day|hanukkah|passover|yom kippur|ramadan|eid)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME_BEFORE = Pattern.compile(
            "(?:\\bat|@|\\bapprox\\.?|~|\\buntil|\\btill|\\bby|\\bbetween|\\baround|\\btime:?|-)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VITAL_BEFORE = Pattern.compile(
            "(?:\\b(?:bp|b/p|nbp|nibp|abp|sbp|dbp|art|pressures?|a-line|cvp|pap|pad|pas|rr|map|ratio|abg|vbg|gas|peep|ps|vent|settings|sats?|"
                    + "pain|scale|score|rated|rates|strength|grip|grade|murmur|power|motor|loc|gcs|x|times|ie|i:e|"
                    + "d5|d5w|d51|ns|lr|hct|hgb|plt|psv|cpap|peep|a/c|simv|ips|bipap|imv|co/ci|pads?)\\b[^\\n\\d]{0,12}"
                    + "|\\d\\s*x\\s*\\.?|\\dx|x\\.|\\d-)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VITAL_AFTER = Pattern.compile(
            "^\\s*(?:%|peep|/\\d|,?\\s*\\d{2}\\s*%|[^\\n]{0,12}\\bpain\\b|mm|mmhg|cm\\b|ns\\b|n\\.s|normal saline|strength|pain|scale|str\\b|tabs?\\b|units?\\b|cc\\b|ml\\b|mg\\b|sbp|bp\\b|map\\b)",
            Pattern.CASE_INSENSITIVE);

    @Override
    public List<PhiSpan> find(Tokens tokens) {
        String text = tokens.text();
        List<PhiSpan> out = new ArrayList<>();
        Matcher m = NUMERIC.matcher(text);
        while (m.find()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            boolean hasYear = m.group(3) != null;
            if (a < 1 || a > 12 || b < 1 || b > 31) {
                continue;
            }
            if (!hasYear && (m.group().indexOf('-') >= 0 || looksLikeMeasure(text, m.start(), m.end(), b))) {
                continue;
            }
            // 700x12/10/40%: ventilator settings, not a date with a year
            if (hasYear && (text.startsWith("%", m.end()) || text.substring(Math.max(0, m.start() - 2), m.start()).matches(".*[xX]\\.?"))) {
                continue;
            }
            out.add(new PhiSpan(m.start(), m.end(), PhiCategory.DATE));
        }
        addAll(ISO, text, out);
        addAll(MONTH_YEAR_NUMERIC, text, out);
        addAll(ORDINAL_DAY, text, out);
        addAfter(MONTH_WORD, MONTH_CONTEXT, text, out);
        addAll(WRITTEN, text, out);
        addAll(MONTH_ALONE, text, out);
        addAll(HOLIDAY, text, out);
        m = YEAR_4.matcher(text);
        while (m.find()) {
            int y = Integer.parseInt(m.group());
            boolean couldBeTime = (y >= 1900 && y <= 1959) || (y >= 2000 && y <= 2059);
            String before = text.substring(Math.max(0, m.start() - 12), m.start());
            String after = text.substring(m.end(), Math.min(text.length(), m.end() + 6)).toLowerCase(Locale.ROOT);
            if (couldBeTime && (TIME_BEFORE.matcher(before).find() || after.matches("^\\s*(?:hrs?|h|pm|am|-\\s*\\d).*"))) {
                continue;
            }
            out.add(new PhiSpan(m.start(), m.end(), PhiCategory.DATE));
        }
        addAll(YEAR_APOSTROPHE, text, out);
        addAfter(TWO_DIGITS, EVENT_BEFORE, text, out);
        return out;
    }

    // A number pair after a vital sign or before a unit is a measure, not a date.
    private static boolean looksLikeMeasure(String text, int start, int end, int denominator) {
        String before = text.substring(Math.max(0, start - 24), start);
        String after = text.substring(end, Math.min(text.length(), end + 8));
        if (VITAL_BEFORE.matcher(before).find() || VITAL_AFTER.matcher(after).find()) {
            return true;
        }
        String pair = text.substring(start, end);
        // 5/5 strength, 4/4 murmur, and simple fractions are rarely dates written alone.
        return pair.equals("1/2") || pair.equals("1/3") || pair.equals("2/3") || pair.equals("1/4") || pair.equals("3/4")
                || (denominator == 10 && before.toLowerCase(Locale.ROOT).matches("(?s).*(?:pain|/|score|level|rating|of)\\s*$"));
    }

    // Finds the target first, then looks at the few characters before it: far cheaper than a look-behind tried everywhere.
    private static void addAfter(Pattern target, Pattern before, String text, List<PhiSpan> out) {
        Matcher m = target.matcher(text);
        Matcher b = before.matcher(text);
        while (m.find()) {
            b.region(Math.max(0, m.start() - 30), m.start());
            if (b.find()) {
                out.add(new PhiSpan(m.start(), m.end(), PhiCategory.DATE));
            }
        }
    }

    private static void addAll(Pattern p, String text, List<PhiSpan> out) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(new PhiSpan(m.start(), m.end(), PhiCategory.DATE));
        }
    }
}
