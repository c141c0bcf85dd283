package org.medgemma4j.privacy.deid;

/**
 * One piece of PHI in a text: {@code [start, end)} in the Java string's UTF-16 units (use
 * {@link #codePointStart(String)} for the code point offsets that Python and JSON consumers index by).
 */
public record PhiSpan(int start, int end, PhiCategory category) implements Comparable<PhiSpan> {

    public PhiSpan {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a span needs 0 <= start < end, got [" + start + ", " + end + ")");
        }
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(PhiSpan o) {
        return start < o.end && o.start < end;
    }

    /** The covered text of {@code text}. */
    public String text(String text) {
        return text.substring(start, end);
    }

    /** The start as a count of Unicode code points before it. */
    public int codePointStart(String text) {
        return text.codePointCount(0, start);
    }

    /** The end as a count of Unicode code points before it. */
    public int codePointEnd(String text) {
        return text.codePointCount(0, end);
    }

    @Override
    public int compareTo(PhiSpan o) {
        return start != o.start ? Integer.compare(start, o.start) : Integer.compare(o.end, end);
    }
}
