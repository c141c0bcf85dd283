package org.medgemma4j.privacy.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.medgemma4j.store.data.DataSet;

/**
 * The words of drug names (DrugBank open vocabulary, CC0: common names and synonyms), so that a drug
 * that is also a surname or a town (Warfarin is neither, but Lasix, Haldol or Keppra look like names) is
 * kept.
 */
public final class DrugVocabulary {

    private final Set<String> words;

    private DrugVocabulary(Set<String> words) {
        this.words = Set.copyOf(words);
    }

    /** The vocabulary of the DrugBank data set where DataSet.DRUGS finds it, or none. */
    public static DrugVocabulary locate() throws IOException {
        var dir = DataSet.DRUGS.locate();
        return dir.isPresent() ? read(dir.get().resolve(DataSet.DRUGS.files().getFirst().name())) : empty();
    }

    public static DrugVocabulary empty() {
        return new DrugVocabulary(Set.of());
    }

    /** Reads DrugBank's open vocabulary CSV (columns: id, accessions, common name, CAS, UNII, synonyms, InChI key). */
    public static DrugVocabulary read(Path csv) throws IOException {
        Set<String> words = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.startsWith("DrugBank ID")) {
                throw new IOException(csv + ": not a DrugBank vocabulary CSV (its header should start with 'DrugBank ID')");
            }
            String line;
            while ((line = r.readLine()) != null) {
                List<String> cols = splitCsv(line);
                if (cols.size() > 5) {
                    addWords(cols.get(2), words);
                    for (String synonym : cols.get(5).split("\\|")) {
                        addWords(synonym, words);
                    }
                }
            }
        }
        return new DrugVocabulary(words);
    }

    // Single words of four letters or more: shorter fragments ("acid", "iv") are too general to protect.
    private static void addWords(String name, Set<String> into) {
        for (String w : name.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (w.length() >= 4) {
                into.add(w);
            }
        }
    }

    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    public Set<String> words() {
        return words;
    }

    public boolean contains(String lowerWord) {
        return words.contains(lowerWord);
    }
}
