package org.medgemma4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama.cpp's tokenizer on many inputs in one oracle process (tokenizer_batch.py), since loading
 * the vocabulary takes a second or two per call.
 */
public final class TokenizerOracle {

    /** One llama_tokenize call. */
    public record Case(String text, boolean addBos, boolean parseSpecial) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerOracle() {
    }

    /** llama_tokenize's ids for each case. */
    public static List<int[]> tokenize(Path model, List<Case> cases) {
        ObjectNode job = JSON.createObjectNode();
        ArrayNode list = job.putArray("tokenize");
        for (Case c : cases) {
            list.addArray().add(c.text()).add(c.addBos()).add(c.parseSpecial());
        }
        List<int[]> out = new ArrayList<>();
        for (JsonNode ids : run(model, job).get("tokenize")) {
            out.add(toInts(ids));
        }
        return out;
    }

    /** The oracle's detok (token_to_piece with special=true, joined, decoded with replacement). */
    public static List<String> detokenize(Path model, List<int[]> idLists) {
        ObjectNode job = JSON.createObjectNode();
        ArrayNode list = job.putArray("detok");
        for (int[] ids : idLists) {
            ArrayNode a = list.addArray();
            for (int id : ids) {
                a.add(id);
            }
        }
        List<String> out = new ArrayList<>();
        for (JsonNode text : run(model, job).get("detok")) {
            out.add(text.asText());
        }
        return out;
    }

    private static int[] toInts(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    private static JsonNode run(Path model, ObjectNode job) {
        try {
            String out = Oracle.runWithInput(JSON.writeValueAsString(job), "python3", script().toString(),
                    Oracle.script().getParent().toString(), model.toString());
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path script;

    // The driver travels as a test resource (it may sit in a jar): copy it out once per JVM.
    private static synchronized Path script() throws IOException {
        if (script == null) {
            script = Files.createTempFile("tokenizer_batch", ".py");
            script.toFile().deleteOnExit();
            try (InputStream in = TokenizerOracle.class.getResourceAsStream("tokenizer_batch.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        return script;
    }
}
