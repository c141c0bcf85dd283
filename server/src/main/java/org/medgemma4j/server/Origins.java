package org.medgemma4j.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The browser origins allowed to call the server (CORS), as Ollama allows them: pages served from this machine
 * (localhost, 127.0.0.1, 0.0.0.0 on any port, http or https) and desktop-app schemes by default, plus the
 * origins given with --origins or OLLAMA_ORIGINS ({@code *} is a wildcard: {@code https://*.example.org}, or
 * {@code *} alone for every origin). Any other origin is refused with 403, so a page on another site cannot
 * reach a model on this machine through its user's browser.
 */
public final class Origins {

    private static final List<String> DEFAULTS = defaults();

    private final List<String> globs;
    private final List<Pattern> patterns;

    private Origins(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.patterns = this.globs.stream().map(g -> Pattern.compile(toRegex(g))).toList();
    }

    /** The defaults and {@code extra} (comma-separated entries are split; blanks ignored). */
    public static Origins withDefaults(List<String> extra) {
        List<String> all = new ArrayList<>(DEFAULTS);
        for (String e : extra == null ? List.<String>of() : extra) {
            for (String part : e.split(",")) {
                if (!part.isBlank()) {
                    all.add(part.strip());
                }
            }
        }
        return new Origins(all);
    }

    public boolean allows(String origin) {
        return patterns.stream().anyMatch(p -> p.matcher(origin).matches());
    }

    /** The allowed origins as regular expressions (Jetty's CrossOriginHandler takes these). */
    Set<String> regexes() {
        Set<String> out = new LinkedHashSet<>();
        for (Pattern p : patterns) {
            out.add(p.pattern());
        }
        return out;
    }

    public List<String> globs() {
        return globs;
    }

    private static List<String> defaults() {
        List<String> d = new ArrayList<>();
        for (String host : List.of("localhost", "127.0.0.1", "0.0.0.0", "[::1]")) {
            for (String scheme : List.of("http", "https")) {
                d.add(scheme + "://" + host);
                d.add(scheme + "://" + host + ":*");
            }
        }
        d.addAll(List.of("app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"));
        return d;
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return re.toString();
    }
}
