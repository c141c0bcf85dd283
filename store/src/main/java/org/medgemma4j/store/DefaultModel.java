package org.medgemma4j.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model {@code run}, {@code chat} and {@code serve} use when no {@code -m} is given: the one set with
 * {@code medgemma config default-model NAME} (kept in {@code <store home>/config.json}), else the only model
 * pulled (ours or Ollama's); otherwise an error that says how to get or choose one.
 */
public final class DefaultModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "default_model";

    private final ModelStore store;
    private final OllamaStore ollama;

    public DefaultModel(ModelStore store, OllamaStore ollama) {
        this.store = store;
        this.ollama = ollama;
    }

    public static DefaultModel fromEnvironment() {
        return new DefaultModel(ModelStore.fromEnvironment(), OllamaStore.fromEnvironment());
    }

    public Path configFile() {
        return store.home().resolve("config.json");
    }

    /** The reference set with {@code config default-model}, if any. */
    public Optional<String> configured() throws IOException {
        Path f = configFile();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            var node = JSON.readTree(f.toFile()).get(KEY);
            return node == null || node.isNull() || node.asText().isBlank() ? Optional.empty() : Optional.of(node.asText());
        } catch (IOException e) {
            throw new StoreException(f + " is not valid JSON (" + e.getMessage() + "): fix or delete it");
        }
    }

    /** Sets (or, with null, clears) the default reference; the file is replaced atomically. */
    public void set(String ref) throws IOException {
        Path f = configFile();
        Files.createDirectories(f.getParent());
        ObjectNode root = Files.isRegularFile(f) && JSON.readTree(f.toFile()) instanceof ObjectNode o ? o : JSON.createObjectNode();
        if (ref == null) {
            root.remove(KEY);
        } else {
            root.put(KEY, ref);
        }
        Path tmp = Files.createTempFile(f.getParent(), ".config", ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The reference to use when none is given. */
    public String choose() throws IOException {
        Optional<String> set = configured();
        if (set.isPresent()) {
            return set.get();
        }
        List<StoredModel> all = new ArrayList<>(store.list());
        all.addAll(ollama.list());
        if (all.size() == 1) {
            return all.getFirst().ref();
        }
        if (all.isEmpty()) {
            throw new StoreException("no model given (-m) and none pulled yet: get one with `medgemma pull medgemma-4b` "
                    + "(or pass -m FILE.gguf)");
        }
        throw new StoreException("no model given (-m) and " + all.size() + " models are pulled: pass -m MODEL or choose "
                + "a default with `medgemma config default-model NAME` (`medgemma list` shows them)");
    }
}
