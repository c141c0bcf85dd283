package org.medgemma4j.privacy.deid;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves dates by a fixed number of days, keeping the form they were written in (7/22 stays m/d, 2019-07-22
 * stays ISO, July 22, 2019 stays written out). One offset per patient keeps the intervals between a
 * patient's dates. A date without a year is shifted within a leap year so that 2/29 survives.
 */
public final class DateShifter {

    private static final Pattern NUMERIC = Pattern.compile("(\\d{1,2})([/-])(\\d{1,2})(?:([/-])(\\d{4}|\\d{2}))?");
    private static final Pattern ISO = Pattern.compile("(\\d{4})([-/.])(\\d{1,2})([-/.])(\\d{1,2})");
    private static final Pattern MONTH_YEAR = Pattern.compile("(\\d{1,2})/(\\d{4}|\\d{2})");
    private static final Pattern YEAR = Pattern.compile("('?)(\\d{4}|\\d{2})('?)");
    private static final Pattern WRITTEN = Pattern.compile("(?i)(?:(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?)?(" + DateDetector.MONTH
            + ")\\.?(?:\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?)?(?:,?\\s+(?:of\\s+)?(\\d{4}))?");

    private final int offsetDays;

    public DateShifter(int offsetDays) {
        this.offsetDays = offsetDays;
    }

    public int offsetDays() {
        return offsetDays;
    }

    /** The shifted date in the same form, or empty when {@code date} is no form this class reads (a holiday). */
    public Optional<String> shift(String date) {
        try {
            Matcher m = ISO.matcher(date);
            if (m.matches()) {
                LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(5)))
                        .plusDays(offsetDays);
                return Optional.of(String.format("%04d%s%02d%s%02d", d.getYear(), m.group(2), d.getMonthValue(), m.group(4), d.getDayOfMonth()));
            }
            m = NUMERIC.matcher(date);
            if (m.matches() && Integer.parseInt(m.group(3)) <= 31) {
                int year = m.group(5) == null ? 2000 : expandYear(m.group(5));
                LocalDate d = LocalDate.of(year, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3))).plusDays(offsetDays);
                String out = d.getMonthValue() + m.group(2) + d.getDayOfMonth();
                if (m.group(5) != null) {
                    out += m.group(4) + (m.group(5).length() == 2 ? String.format("%02d", d.getYear() % 100) : d.getYear());
                }
                return Optional.of(out);
            }
            m = MONTH_YEAR.matcher(date);
            if (m.matches()) {
                LocalDate d = LocalDate.of(expandYear(m.group(2)), Integer.parseInt(m.group(1)), 15).plusDays(offsetDays);
                return Optional.of(d.getMonthValue() + "/" + (m.group(2).length() == 2 ? String.format("%02d", d.getYear() % 100) : d.getYear()));
            }
            m = YEAR.matcher(date);
            if (m.matches()) {
                int year = expandYear(m.group(2));
                int shifted = LocalDate.of(year, 7, 1).plusDays(offsetDays).getYear();
                String y = m.group(2).length() == 2 ? String.format("%02d", shifted % 100) : Integer.toString(shifted);
                return Optional.of(m.group(1) + y + m.group(3));
            }
            m = WRITTEN.matcher(date);
            if (m.matches()) {
                return Optional.of(shiftWritten(m));
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private String shiftWritten(Matcher m) {
        Month month = monthOf(m.group(2));
        String dayText = m.group(1) != null ? m.group(1) : m.group(3);
        int year = m.group(4) != null ? Integer.parseInt(m.group(4)) : 2000;
        int day = dayText != null ? Integer.parseInt(dayText) : 15;
        LocalDate d = LocalDate.of(year, month, day).plusDays(offsetDays);
        boolean upper = m.group(2).equals(m.group(2).toUpperCase(Locale.ROOT));
        String name = d.getMonth().getDisplayName(m.group(2).length() <= 3 || m.group(2).equalsIgnoreCase("sept") ? TextStyle.SHORT : TextStyle.FULL, Locale.ENGLISH);
        if (upper) {
            name = name.toUpperCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder();
        if (m.group(1) != null) {
            out.append(d.getDayOfMonth()).append(' ').append(name);
        } else {
            out.append(name);
            if (dayText != null) {
                out.append(' ').append(d.getDayOfMonth());
            }
        }
        if (m.group(4) != null) {
            out.append(", ").append(d.getYear());
        }
        return out.toString();
    }

    private static Month monthOf(String text) {
        String t = text.toLowerCase(Locale.ROOT).substring(0, 3);
        for (Month mo : Month.values()) {
            if (mo.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT).startsWith(t)) {
                return mo;
            }
        }
        throw new DateTimeException("not a month: " + text);
    }

    // Two-digit years: 00-29 are this century, the rest the last.
    private static int expandYear(String y) {
        int v = Integer.parseInt(y);
        return y.length() == 4 ? v : v < 30 ? 2000 + v : 1900 + v;
    }
}
