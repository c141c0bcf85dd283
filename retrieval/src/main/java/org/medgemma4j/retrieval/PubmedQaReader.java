package org.medgemma4j.retrieval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * PubMedQA-style JSON ({@code ori_pqal.json}): an object keyed by PMID whose values carry CONTEXTS (the
 * abstract's sections) with LABELS, MESHES and YEAR; streamed one record at a time. The QUESTION is not
 * indexed: PubMedQA derives it from the article's title, and indexing it would let every question find
 * itself. LONG_ANSWER (the abstract's conclusion) is left out as PubMedQA's "context" setting does.
 */
final class PubmedQaReader implements DocumentReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Chunker chunker;

    PubmedQaReader(Chunker chunker) {
        this.chunker = chunker;
    }

    @Override
    public void read(Path file, String source, PassageSink sink, LongConsumer bytesRead) throws IOException {
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), bytesRead);
             JsonParser p = new JsonFactory(JSON).createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + ": not PubMedQA JSON (expected an object keyed by PMID)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String pmid = p.currentName();
                p.nextToken();
                JsonNode rec = p.readValueAsTree();
                if (!pmid.matches("\\d+") || rec == null || !rec.path("CONTEXTS").isArray()) {
                    throw new IOException(file + ": record '" + pmid + "' is not a PubMedQA record (a numeric PMID with CONTEXTS)");
                }
                List<String> contexts = strings(rec.path("CONTEXTS"));
                List<String> labels = strings(rec.path("LABELS"));
                String y = rec.path("YEAR").asText("");
                Integer year = y.matches("\\d{4}") ? Integer.valueOf(y) : null;
                new AbstractDocument(pmid, "", year, "", strings(rec.path("MESHES")),
                        AbstractDocument.structured(labels, contexts)).sendTo(sink, source, chunker);
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException(file + ": not PubMedQA JSON (expected PMID keys)");
            }
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }
}
