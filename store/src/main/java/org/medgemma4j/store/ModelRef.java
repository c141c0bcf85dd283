package org.medgemma4j.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as users write it: a local file, {@code hf.co/ORG/REPO[:QUANT]} (Ollama's form),
 * {@code ORG/REPO/FILE.gguf}, or a name ({@code medgemma-27b:q8_0}, an Ollama model {@code medgemma:27b}).
 */
public sealed interface ModelRef {

    /** Quantization picked when a repository reference names none (as Ollama does). */
    String DEFAULT_QUANT = "Q4_K_M";

    /** A GGUF file on disk. */
    record LocalFile(Path path) implements ModelRef {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** One file of a Hugging Face repository. */
    record HfFile(String org, String repo, String file) implements ModelRef {
        public String repoId() {
            return org + "/" + repo;
        }

        @Override
        public String toString() {
            return org + "/" + repo + "/" + file;
        }
    }

    /** A Hugging Face repository and the quantization wanted from it. */
    record HfRepo(String org, String repo, String quant) implements ModelRef {
        public String repoId() {
            return org + "/" + repo;
        }

        @Override
        public String toString() {
            return "hf.co/" + org + "/" + repo + ":" + quant;
        }
    }

    /** A short name: the built-in catalog's or an Ollama model's; tag null when none was given. */
    record Named(String name, String tag) implements ModelRef {
        @Override
        public String toString() {
            return tag == null ? name : name + ":" + tag;
        }
    }

    Pattern HF_REPO = Pattern.compile("(?:https?://)?(?:hf\\.co|huggingface\\.co)/([\\w.-]+)/([\\w.-]+?)(?::([\\w.-]+))?/?");
    Pattern HF_FILE = Pattern.compile("([\\w.-]+)/([\\w.-]+)/([\\w./-]+\\.gguf)", Pattern.CASE_INSENSITIVE);
    Pattern NAME = Pattern.compile("([a-z0-9][\\w.-]*(?:/[a-z0-9][\\w.-]*)?)(?::([\\w.-]+))?", Pattern.CASE_INSENSITIVE);

    /** Parses a reference; an existing file always wins, so any path can be used. */
    static ModelRef parse(String text) throws StoreException {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new StoreException("empty model reference");
        }
        Path p = Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
        if (Files.exists(p) || s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.startsWith("~/")) {
            return new LocalFile(p);
        }
        Matcher m = HF_REPO.matcher(s);
        if (m.matches()) {
            String quant = m.group(3) == null ? DEFAULT_QUANT : m.group(3).toUpperCase(Locale.ROOT);
            return new HfRepo(m.group(1), m.group(2), quant);
        }
        m = HF_FILE.matcher(s);
        if (m.matches()) {
            return new HfFile(m.group(1), m.group(2), m.group(3));
        }
        if (s.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw new StoreException(s + ": no such file");
        }
        m = NAME.matcher(s);
        if (m.matches()) {
            return new Named(m.group(1).toLowerCase(Locale.ROOT), m.group(2) == null ? null : m.group(2).toLowerCase(Locale.ROOT));
        }
        throw new StoreException("'" + s + "' is not a model reference: use a .gguf path, hf.co/ORG/REPO:QUANT, "
                + "ORG/REPO/FILE.gguf, a catalog name such as medgemma-27b:q4_k_m, or an Ollama model such as medgemma:27b");
    }
}
