package org.medgemma4j.generate;

import java.util.List;

/**
 * Streams text while watching for stop strings: text that could still become the start of a stop
 * string is held back until it is clear, and nothing from the stop string on is ever emitted.
 */
final class StopStringFilter {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder emitted = new StringBuilder();
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = stops;
    }

    /** Adds text; returns what can be emitted now. */
    String accept(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        int cut = Integer.MAX_VALUE;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        if (cut != Integer.MAX_VALUE) {
            stopped = true;
            return emit(cut);
        }
        return emit(pending.length() - heldBack());
    }

    /** Emits whatever is held back (at the end of generation). */
    String flush() {
        return stopped ? "" : emit(pending.length());
    }

    boolean stopped() {
        return stopped;
    }

    String text() {
        return emitted.toString();
    }

    /** The longest tail of pending text that is a proper prefix of some stop string. */
    private int heldBack() {
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, pending.length()); len > hold; len--) {
                if (endsWithPrefix(s, len)) {
                    hold = len;
                    break;
                }
            }
        }
        return hold;
    }

    private boolean endsWithPrefix(String stop, int len) {
        int from = pending.length() - len;
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Emits the first n pending characters; after a stop the rest is dropped. */
    private String emit(int n) {
        String out = pending.substring(0, n);
        pending.delete(0, stopped ? pending.length() : n);
        emitted.append(out);
        return out;
    }
}
