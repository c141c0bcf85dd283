package org.medgemma4j.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON shapes of search and ask, shared by the command line and the server. A PubMed passage carries
 * its pmid; any other carries file (and page, for a PDF) instead.
 */
public final class RetrievalJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private RetrievalJson() {
    }

    /** {"hits":[{"pmid","title","year","score","text",...}]} */
    public static ObjectNode hits(List<Hit> hits) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode arr = root.putArray("hits");
        for (Hit h : hits) {
            ObjectNode o = arr.addObject();
            origin(o, h.passage());
            o.put("score", h.score());
            o.put("coverage", h.coverage());
            o.put("evidence", h.evidence());
            o.put("text", h.passage().text());
            o.put("id", h.passage().id());
        }
        return root;
    }

    /** {"answer","sources":[{"n","pmid","title",...}],"cited","unknown_citations","abstained"} */
    public static ObjectNode answer(GroundedAnswer a) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("answer", a.answer());
        ArrayNode arr = root.putArray("sources");
        for (Source s : a.sources()) {
            ObjectNode o = arr.addObject();
            o.put("n", s.n());
            origin(o, s.passage());
            o.put("score", s.hit().score());
        }
        ArrayNode cited = root.putArray("cited");
        a.cited().forEach(cited::add);
        ArrayNode unknown = root.putArray("unknown_citations");
        a.unknown().forEach(unknown::add);
        root.put("abstained", a.abstained());
        return root;
    }

    private static void origin(ObjectNode o, Passage p) {
        if (p.pmid() != null) {
            o.put("pmid", p.pmid());
        } else {
            o.put("file", p.source());
            if (p.page() != null) {
                o.put("page", p.page());
            }
        }
        o.put("title", p.title());
        if (p.year() != null) {
            o.put("year", p.year());
        }
        if (!p.journal().isEmpty()) {
            o.put("journal", p.journal());
        }
        if (p.chunks() > 1) {
            o.put("chunk", p.chunk());
        }
    }

    static String fileName(String source) {
        return Path.of(source).getFileName().toString();
    }
}
