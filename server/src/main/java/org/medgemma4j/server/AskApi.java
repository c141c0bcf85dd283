package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.retrieval.CitationMarker;
import org.medgemma4j.retrieval.GroundedAnswer;
import org.medgemma4j.retrieval.GroundedAnswerer;
import org.medgemma4j.retrieval.GroundedPrompt;
import org.medgemma4j.retrieval.Hit;
import org.medgemma4j.retrieval.RetrievalJson;

/**
 * {@code POST /api/ask} {"model","question","stream"?,"options"?}: {@code medgemma ask} over HTTP. Streamed
 * (NDJSON, the default): a first line {"sources":[...]}, then {"response":piece,"done":false} lines with
 * invented citation numbers marked [n?], then {"done":true,"cited","unknown_citations"}. Not streamed:
 * ask's JSON. Nothing relevant: {"answer","sources":[],"abstained":true,"done":true}, and no generation.
 */
final class AskApi {

    private final ModelPool pool;
    private final ObjectMapper json;
    private final int maxBody;
    private final GroundedAnswerer asker;

    AskApi(ModelPool pool, ObjectMapper json, int maxBody, GroundedAnswerer asker) {
        this.pool = pool;
        this.json = json;
        this.maxBody = maxBody;
        this.asker = asker;
    }

    void register(Router router) {
        router.add("POST", "/api/ask", this::ask);
    }

    private void ask(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        try (ModelPool.Lease lease = pool.acquire(request.string("model", null), null)) {
            ask(ex, request, lease.engine());
        }
    }

    private void ask(Exchange ex, JsonBody request, Engine engine) throws IOException {
        String question = request.requiredString("question");
        if (question.isBlank()) {
            throw ApiException.badRequest("'question' must not be empty");
        }
        JsonBody o = request.object("options");
        Long max = o.integer("num_predict");
        GenerationOptions options = new GenerationOptions(max == null ? -1 : (int) Math.max(max, -1), Sampling.from(o), List.of(), false);
        boolean stream = request.bool("stream", true);
        List<Hit> hits = asker.retrieve(question);
        if (hits.isEmpty()) {
            ObjectNode n = RetrievalJson.answer(new GroundedAnswer(GroundedAnswer.NOTHING_RELEVANT, List.of(), List.of(), List.of(), true, null));
            n.put("done", true);
            send(ex, n, stream);
            return;
        }
        GroundedPrompt prompt;
        try {
            prompt = GroundedAnswerer.prompt(question, hits, m -> engine.chatPrompt(m).length, engine.contextLength(), options.maxTokens());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Job job = engine.submit(engine.chatPrompt(prompt.messages()), options, engine.contextLength());
        if (!stream) {
            CitationMarker marker = new CitationMarker(prompt.sources().size(), TokenStream.NONE);
            GenerationResult r = engine.runWhole(job, ex);
            marker.onText(r.text());
            marker.finish();
            ObjectNode n = RetrievalJson.answer(new GroundedAnswer(marker.answer(), prompt.sources(), marker.cited(), marker.unknown(), false, r));
            n.put("done", true);
            send(ex, n, false);
            return;
        }
        ex.startStream("application/x-ndjson");
        ObjectNode head = json.createObjectNode();
        head.set("sources", RetrievalJson.answer(new GroundedAnswer("", prompt.sources(), List.of(), List.of(), false, null)).get("sources"));
        ex.chunk(json.writeValueAsString(head) + "\n");
        CitationMarker marker = new CitationMarker(prompt.sources().size(), piece -> {
            try {
                ObjectNode n = json.createObjectNode().put("response", piece).put("done", false);
                ex.chunk(json.writeValueAsString(n) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            engine.run(job, marker::onText);
            marker.finish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        ObjectNode end = json.createObjectNode().put("done", true);
        ArrayNode cited = end.putArray("cited");
        marker.cited().forEach(cited::add);
        ArrayNode unknown = end.putArray("unknown_citations");
        marker.unknown().forEach(unknown::add);
        ex.chunk(json.writeValueAsString(end) + "\n");
    }

    private void send(Exchange ex, ObjectNode n, boolean stream) throws IOException {
        if (stream) {
            ex.startStream("application/x-ndjson");
            ex.chunk(json.writeValueAsString(n) + "\n");
        } else {
            ex.send(200, "application/json", json.writeValueAsString(n));
        }
    }
}
