package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ollama's keep_alive: seconds as a number, or a Go duration ("5m", "1h30m", "-1"); negative means forever.
 * The {@link ModelPool} unloads a model once this long has passed since its last request; zero unloads it at once.
 */
public final class KeepAlive {

    /** What a negative keep-alive means: a hundred years. */
    public static final Duration FOREVER = Duration.ofDays(365L * 100);
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private KeepAlive() {
    }

    /** A keep-alive given on the command line or in OLLAMA_KEEP_ALIVE; IllegalArgumentException when malformed. */
    public static Duration parse(String text) {
        try {
            return parse(com.fasterxml.jackson.databind.node.TextNode.valueOf(text), null);
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage().replace("'keep_alive'", "--keep-alive"), e);
        }
    }

    static Duration parse(JsonNode value, Duration fallback) {
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isNumber()) {
            return seconds(value.doubleValue());
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("'keep_alive' must be a number of seconds or a duration like \"5m\"");
        }
        String text = value.textValue().strip();
        try {
            return seconds(Double.parseDouble(text));
        } catch (NumberFormatException notANumber) {
            return duration(text);
        }
    }

    private static Duration seconds(double s) {
        return s < 0 ? FOREVER : Duration.ofMillis((long) Math.min(s * 1000, FOREVER.toMillis()));
    }

    private static Duration duration(String text) {
        boolean negative = text.startsWith("-");
        String body = negative ? text.substring(1) : text;
        Matcher m = PART.matcher(body);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = m.end();
        }
        if (end == 0 || end != body.length()) {
            throw ApiException.badRequest("'keep_alive' is not a duration: \"" + text + "\" (e.g. \"5m\", \"1h\", \"-1\")");
        }
        return negative ? FOREVER : Duration.ofNanos((long) Math.min(nanos, FOREVER.toNanos()));
    }
}
