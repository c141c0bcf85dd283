package org.medgemma4j.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the GGUF file(s) of one quantization in a repository listing, as Ollama does for
 * hf.co/ORG/REPO:QUANT: the .gguf whose name holds the quant as a word (Q4_K_M matches
 * "-Q4_K_M.gguf", not "Q4_K_S"); all parts when it is split; never the vision projector (mmproj), which
 * {@link #imageEncoder} picks on its own.
 */
public final class QuantPicker {

    private static final Pattern SPLIT = Pattern.compile("(.*)-\\d{5}-of-\\d{5}\\.gguf", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUANT = Pattern.compile(
            "(?<![A-Za-z0-9])(I?Q\\d(?:_[A-Z0-9]+)*|BF16|F16|F32)(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE);

    private QuantPicker() {
    }

    /** The files of the quant (one, or the parts of a split model in order). */
    public static List<RepoFile> pick(List<RepoFile> files, String quant, String repoId) throws StoreException {
        Pattern wanted = Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(quant) + "(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE);
        Map<String, List<RepoFile>> models = new LinkedHashMap<>();
        for (RepoFile f : models(files)) {
            if (wanted.matcher(name(f)).find()) {
                Matcher m = SPLIT.matcher(f.path());
                models.computeIfAbsent(m.matches() ? m.group(1) : f.path(), k -> new ArrayList<>()).add(f);
            }
        }
        if (models.size() == 1) {
            return models.values().iterator().next().stream().sorted((a, b) -> a.path().compareTo(b.path())).toList();
        }
        String available = String.join(", ", quantsIn(files));
        if (models.isEmpty()) {
            throw new StoreException("no " + quant + " GGUF in " + repoId + "; available quantizations: "
                    + (available.isEmpty() ? "none (no .gguf files)" : available));
        }
        throw new StoreException(quant + " is ambiguous in " + repoId + ": " + String.join(", ", models.keySet())
                + "; name the file instead (ORG/REPO/FILE.gguf)");
    }

    /**
     * The repository's image encoder to pull beside the model: the mmproj GGUF named F16 when there is one
     * (what llama.cpp's own tools fetch), else the only mmproj; empty when there is none or several without an F16.
     */
    public static Optional<RepoFile> imageEncoder(List<RepoFile> files) {
        List<RepoFile> encoders = files.stream().filter(f -> f.path().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(f -> name(f).toLowerCase(Locale.ROOT).contains("mmproj"))
                .sorted((a, b) -> a.path().compareTo(b.path())).toList();
        Pattern f16 = Pattern.compile("(?<![A-Za-z0-9])F16(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE);
        Optional<RepoFile> named = encoders.stream().filter(f -> f16.matcher(name(f)).find()).findFirst();
        if (named.isPresent()) {
            return named;
        }
        return encoders.size() == 1 ? Optional.of(encoders.get(0)) : Optional.empty();
    }

    /** the quantizations offered, sorted, as named in the file names (Q4_K_M, Q8_0, BF16, ...). */
    public static Set<String> quantsIn(List<RepoFile> files) {
        Set<String> out = new TreeSet<>();
        for (RepoFile f : models(files)) {
            Matcher m = QUANT.matcher(name(f));
            String q = null;
            while (m.find()) {
                q = m.group(1).toUpperCase(Locale.ROOT);
            }
            out.add(q != null ? q : f.path());
        }
        return out;
    }

    private static List<RepoFile> models(List<RepoFile> files) {
        return files.stream().filter(f -> f.path().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(f -> !name(f).toLowerCase(Locale.ROOT).contains("mmproj")).toList();
    }

    private static String name(RepoFile f) {
        return f.path().substring(f.path().lastIndexOf('/') + 1).replaceFirst("(?i)-\\d{5}-of-\\d{5}\\.gguf$", ".gguf");
    }
}
