package org.medgemma4j.retrieval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Search as users and {@code ask} see it: BM25 alone, or BM25 and vectors fused by reciprocal rank when an
 * embedding model is given; every hit carries its query coverage, which the relevance floor reads.
 */
public final class Retriever {

    /** How many candidates each list contributes to the fusion. */
    static final int FUSION_DEPTH = 100;

    private final SearchBackend backend;
    private final PassageEmbedder embedder;

    /** @param embedder the model the index's vectors came from, or null for BM25 alone */
    public Retriever(SearchBackend backend, PassageEmbedder embedder) {
        this.backend = backend;
        this.embedder = embedder;
    }

    /**
     * A retriever over {@code backend}, hybrid when {@code embedder} is given, which must be the model (and size)
     * the index's vectors came from: vectors of different models are not comparable.
     */
    public static Retriever forIndex(SearchBackend backend, PassageEmbedder embedder) throws IOException {
        if (embedder != null) {
            IndexStats s = backend.stats();
            if (s.vectorDims() == 0) {
                throw new IllegalArgumentException("this index has no vectors: add its files with --embed-model to search by meaning too");
            }
            if (!s.embeddingModel().equals(embedder.model()) || s.vectorDims() != embedder.dimensions()) {
                throw new IllegalArgumentException("the index's vectors come from " + s.embeddingModel() + " (" + s.vectorDims()
                        + " dims), not " + embedder.model() + " (" + embedder.dimensions() + " dims): use that model and size");
            }
        }
        return new Retriever(backend, embedder);
    }

    public boolean hybrid() {
        return embedder != null;
    }

    public List<Hit> search(String query, int k) throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("the query is empty");
        }
        if (embedder == null) {
            return backend.lexical(query, k);
        }
        int depth = Math.max(k, FUSION_DEPTH);
        List<Hit> words = backend.lexical(query, depth);
        List<Hit> vectors = backend.nearest(embedder.embedQuery(query), depth);
        List<Hit> fused = RankFusion.fuse(List.of(words, vectors), RankFusion.DEFAULT_K, k);
        List<String> unknown = fused.stream().filter(h -> Double.isNaN(h.coverage())).map(h -> h.passage().id()).toList();
        if (unknown.isEmpty()) {
            return fused;
        }
        Map<String, Hit.Match> match = backend.match(query, unknown);
        List<Hit> out = new ArrayList<>(fused.size());
        for (Hit h : fused) {
            out.add(Double.isNaN(h.coverage()) ? h.withMatch(match.getOrDefault(h.passage().id(), new Hit.Match(0, 0))) : h);
        }
        return out;
    }

    /** The hits at or above the relevance floor, best first; empty when nothing relevant was found. */
    public List<Hit> relevant(String query, int k, RelevanceFloor floor) throws IOException {
        return search(query, k).stream().filter(floor::accepts).toList();
    }
}
