package org.medgemma4j.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Models Ollama has already pulled ($OLLAMA_MODELS or ~/.ollama/models), used in place: a manifest
 * under manifests/HOST/NAMESPACE/NAME/TAG names the model layer, whose blob is blobs/sha256-HEX.
 */
public final class OllamaStore {

    static final String MODEL_LAYER = "application/vnd.ollama.image.model";
    private static final String REGISTRY = "registry.ollama.ai";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public OllamaStore(Path root) {
        this.root = root;
    }

    public static OllamaStore fromEnvironment() {
        String env = System.getenv("OLLAMA_MODELS");
        return new OllamaStore(env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".ollama", "models"));
    }

    public Path root() {
        return root;
    }

    /** The GGUF blob of an Ollama name such as {@code medgemma:27b} or {@code org/name:tag}. */
    public Optional<Path> find(ModelRef.Named ref) throws IOException {
        String name = ref.name().contains("/") ? ref.name() : "library/" + ref.name();
        return blobOf(root.resolve("manifests").resolve(REGISTRY).resolve(name)
                .resolve(ref.tag() == null ? "latest" : ref.tag()));
    }

    /** A Hugging Face model pulled by Ollama ({@code ollama pull hf.co/ORG/REPO:QUANT}). */
    public Optional<Path> find(ModelRef.HfRepo ref) throws IOException {
        Path dir = root.resolve("manifests").resolve("hf.co").resolve(ref.org()).resolve(ref.repo());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> tags = Files.list(dir)) {
            for (Path tag : tags.toList()) {
                if (tag.getFileName().toString().equalsIgnoreCase(ref.quant())) {
                    return blobOf(tag);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Path> blobOf(Path manifest) throws IOException {
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        JsonNode m;
        try {
            m = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new StoreException("Ollama manifest " + manifest + " is not valid JSON: " + e.getMessage());
        }
        for (JsonNode layer : m.path("layers")) {
            if (MODEL_LAYER.equals(layer.path("mediaType").asText())) {
                String digest = layer.path("digest").asText();
                if (!digest.matches("sha256:[0-9a-f]{64}")) {
                    throw new StoreException("Ollama manifest " + manifest + " has an invalid digest '" + digest + "'");
                }
                Path blob = root.resolve("blobs").resolve(digest.replace(':', '-'));
                if (!Files.isRegularFile(blob)) {
                    throw new StoreException("Ollama manifest " + manifest + " names blob " + blob.getFileName()
                            + ", which is missing (run ollama pull again)");
                }
                return Optional.of(blob);
            }
        }
        throw new StoreException("Ollama manifest " + manifest + " has no model layer (" + MODEL_LAYER + ")");
    }

    /** Makes {@code destination} another name for {@code source}'s model, as {@code ollama cp} does (the manifest is copied). */
    public void copy(String source, String destination) throws IOException {
        Path from = manifestOf(source);
        if (!Files.isRegularFile(from)) {
            throw new StoreException("no Ollama model named " + source + " in " + root);
        }
        Path to = manifestOf(destination);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Where the manifest of an Ollama name lives (name:tag, ns/name:tag or host/ns/name:tag). */
    Path manifestOf(String fullName) throws StoreException {
        int colon = fullName.lastIndexOf(':');
        String name = colon > fullName.lastIndexOf('/') ? fullName.substring(0, colon) : fullName;
        String tag = colon > fullName.lastIndexOf('/') ? fullName.substring(colon + 1) : "latest";
        String[] parts = name.split("/", -1);
        for (String part : parts) {
            if (!part.matches("[\\w][\\w.-]*")) {
                throw new StoreException("'" + fullName + "' is not an Ollama model name");
            }
        }
        if (!tag.matches("[\\w][\\w.-]*")) {
            throw new StoreException("'" + fullName + "' has an invalid tag");
        }
        Path dir = switch (parts.length) {
            case 1 -> root.resolve("manifests").resolve(REGISTRY).resolve("library").resolve(parts[0]);
            case 2 -> root.resolve("manifests").resolve(REGISTRY).resolve(parts[0]).resolve(parts[1]);
            case 3 -> root.resolve("manifests").resolve(parts[0]).resolve(parts[1]).resolve(parts[2]);
            default -> throw new StoreException("'" + fullName + "' is not an Ollama model name");
        };
        return dir.resolve(tag);
    }

    /** Every Ollama model with a model layer, named as Ollama shows them (medgemma:27b, hf.co/org/repo:tag). */
    public List<StoredModel> list() throws IOException {
        Path manifests = root.resolve("manifests");
        if (!Files.isDirectory(manifests)) {
            return List.of();
        }
        List<StoredModel> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(manifests)) {
            for (Path m : files.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = manifests.relativize(m);
                if (rel.getNameCount() != 4) {
                    continue;
                }
                String host = rel.getName(0).toString();
                String ns = rel.getName(1).toString();
                String name = host.equals(REGISTRY) ? (ns.equals("library") ? "" : ns + "/") + rel.getName(2)
                        : host + "/" + ns + "/" + rel.getName(2);
                try {
                    Optional<Path> blob = blobOf(m);
                    if (blob.isPresent()) {
                        out.add(new StoredModel(name + ":" + rel.getName(3), blob.get(), Files.size(blob.get()), "ollama"));
                    }
                } catch (StoreException e) {
                    // A broken manifest is Ollama's business; listing the healthy ones is still useful.
                }
            }
        }
        return out;
    }
}
