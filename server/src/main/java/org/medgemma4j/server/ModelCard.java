package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.ChatTemplate;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.store.PrecisionGuard;
import org.medgemma4j.tensor.GgmlType;

/**
 * What the server tells clients about its one model: name, size, family, parameter count, the weights'
 * main type, the chat template and the precision warning for low-bit files. No file system paths.
 */
final class ModelCard {

    private final String name;
    private final long size;
    private final String digest;
    private final Instant modified;
    private final long parameters;
    private final String quantization;
    private final Gemma3Config config;
    private final String template;
    private final Optional<String> warning;

    ModelCard(String name, LoadedModel model) {
        this(name, model.model().file(), model.template());
    }

    /** A card for a file that need not be loaded; without a template it serves lists, not /api/show. */
    ModelCard(String name, GgufFile file, ChatTemplate chatTemplate) {
        this.name = name;
        this.size = file.fileBytes();
        this.digest = digestOf(file.path());
        this.modified = modifiedTime(file.path());
        Map<GgmlType, Long> byType = new EnumMap<>(GgmlType.class);
        long count = 0;
        for (GgufTensorInfo t : file.tensors()) {
            count += t.elementCount();
            if (t.rank() >= 2) {
                byType.merge(t.type(), t.elementCount(), Long::sum);
            }
        }
        this.parameters = count;
        this.quantization = byType.entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue))
                .map(e -> e.getKey().ggmlName().toUpperCase(Locale.ROOT)).orElse("unknown");
        this.config = configOf(file);
        this.template = chatTemplate == null ? null : chatTemplate.render(
                List.of(ChatMessage.system("{{ .System }}"), ChatMessage.user("{{ .Prompt }}")), true);
        this.warning = PrecisionGuard.check(file);
    }

    private static Gemma3Config configOf(GgufFile file) {
        try {
            return Gemma3Config.from(file);
        } catch (org.medgemma4j.gguf.GgufException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    long size() {
        return size;
    }

    String digest() {
        return digest;
    }

    String name() {
        return name;
    }

    /** The same model under another name. */
    ModelCard named(String other) {
        return new ModelCard(this, other);
    }

    private ModelCard(ModelCard c, String other) {
        this.name = other;
        this.size = c.size;
        this.digest = c.digest;
        this.modified = c.modified;
        this.parameters = c.parameters;
        this.quantization = c.quantization;
        this.config = c.config;
        this.template = c.template;
        this.warning = c.warning;
    }

    /** True when {@code requested} names this model (Ollama's implicit ":latest" tag allowed). */
    boolean matches(String requested) {
        return sameName(name, requested);
    }

    /** Whether two names are the same model's, Ollama's implicit ":latest" tag allowed on either. */
    static boolean sameName(String a, String b) {
        return a.equals(b) || a.equals(b + ":latest") || b.equals(a + ":latest");
    }

    Instant modified() {
        return modified;
    }

    /** Ollama's model entry, as in /api/tags and /api/ps. */
    ObjectNode entry(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("name", name);
        n.put("model", name);
        n.put("modified_at", modified.toString());
        n.put("size", size);
        n.put("digest", digest);
        n.set("details", details(json));
        return n;
    }

    ObjectNode details(ObjectMapper json) {
        ObjectNode d = json.createObjectNode();
        d.put("parent_model", "");
        d.put("format", "gguf");
        d.put("family", Gemma3Config.ARCH);
        d.putArray("families").add(Gemma3Config.ARCH);
        d.put("parameter_size", parameterSize());
        d.put("quantization_level", quantization);
        return d;
    }

    /** Ollama's /api/show body. */
    ObjectNode show(ObjectMapper json, String defaultParameters) {
        return show(json, defaultParameters, false);
    }

    /** Ollama's /api/show body; {@code vision}: the model has an image encoder (capabilities "vision"). */
    ObjectNode show(ObjectMapper json, String defaultParameters, boolean vision) {
        ObjectNode n = json.createObjectNode();
        n.put("modelfile", "# served by medgemma4j\nFROM " + name + "\nTEMPLATE \"\"\"" + template + "\"\"\"\n");
        n.put("parameters", defaultParameters);
        n.put("template", template);
        n.set("details", details(json));
        ObjectNode info = n.putObject("model_info");
        info.put("general.architecture", Gemma3Config.ARCH);
        info.put("general.parameter_count", parameters);
        info.put("gemma3.context_length", config.contextLength());
        info.put("gemma3.embedding_length", config.embeddingLength());
        info.put("gemma3.block_count", config.blockCount());
        info.put("gemma3.attention.head_count", config.headCount());
        info.put("gemma3.attention.head_count_kv", config.headCountKv());
        info.put("gemma3.attention.sliding_window", config.slidingWindow());
        com.fasterxml.jackson.databind.node.ArrayNode capabilities = n.putArray("capabilities").add("completion");
        if (vision) {
            capabilities.add("vision");
        }
        n.put("modified_at", modified.toString());
        warning.ifPresent(w -> n.put("warning", w));
        return n;
    }

    private String parameterSize() {
        if (parameters >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fB", parameters / 1e9);
        }
        return String.format(Locale.ROOT, "%.1fM", parameters / 1e6);
    }

    /** Ollama's blobs are named after their SHA-256; other files get no digest rather than a costly hash. */
    private static String digestOf(Path path) {
        String file = path.getFileName().toString();
        return file.startsWith("sha256-") ? "sha256:" + file.substring(7) : "";
    }

    private static Instant modifiedTime(Path path) {
        try {
            return Files.getLastModifiedTime(path).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}
