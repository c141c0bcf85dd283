package org.medgemma4j.evaluation.drift;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drug names (DrugBank's open vocabulary: common names and synonyms) found in a text, as character spans:
 * whole words, case-insensitive, the longest name at each word (up to {@value #MAX_WORDS} words). Names
 * shorter than {@value #MIN_LENGTH} characters or without a letter are left out: short codes match ordinary
 * words and numbers.
 */
public final class DrugNames {

    static final int MAX_WORDS = 4;
    static final int MIN_LENGTH = 4;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'\\-]*");

    /** A match: characters [start, end) of the text. */
    public record Span(int start, int end) {
    }

    private final Set<String> names;

    public DrugNames(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    public int size() {
        return names.size();
    }

    /** The vocabulary CSV (columns include "Common name" and "Synonyms", synonyms separated by " | "). */
    public static DrugNames load(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(csv + ": empty");
        }
        List<String> header = parseLine(lines.getFirst());
        int common = header.indexOf("Common name");
        int synonyms = header.indexOf("Synonyms");
        if (common < 0 || synonyms < 0) {
            throw new IOException(csv + ": no 'Common name' and 'Synonyms' columns in " + header);
        }
        Set<String> names = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> row = parseLine(lines.get(i));
            if (row.size() > common) {
                add(names, row.get(common));
            }
            if (row.size() > synonyms) {
                for (String s : row.get(synonyms).split("\\s*\\|\\s*")) {
                    add(names, s);
                }
            }
        }
        return new DrugNames(names);
    }

    private static void add(Set<String> names, String name) {
        String n = normalise(name);
        if (n.length() >= MIN_LENGTH && n.chars().anyMatch(Character::isLetter) && n.split(" ").length <= MAX_WORDS) {
            names.add(n);
        }
    }

    private static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** The drug names in {@code text}, in order, not overlapping. */
    public List<Span> find(String text) {
        List<int[]> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(new int[] {m.start(), m.end()});
        }
        List<Span> spans = new ArrayList<>();
        for (int w = 0; w < words.size(); ) {
            int matched = 0;
            for (int k = Math.min(MAX_WORDS, words.size() - w); k >= 1 && matched == 0; k--) {
                String phrase = normalise(text.substring(words.get(w)[0], words.get(w + k - 1)[1]));
                if (names.contains(phrase)) {
                    matched = k;
                }
            }
            if (matched > 0) {
                spans.add(new Span(words.get(w)[0], words.get(w + matched - 1)[1]));
                w += matched;
            } else {
                w++;
            }
        }
        return spans;
    }

    /** One CSV line (the vocabulary has no line breaks inside fields). */
    private static List<String> parseLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    q = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                q = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }
}
