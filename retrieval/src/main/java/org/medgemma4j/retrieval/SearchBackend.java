package org.medgemma4j.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A store of passages searched by words and by vectors. {@link LuceneIndex} is the embedded one; a
 * distributed engine (docs/retrieval.md, "Scale") implements the same methods, so ingest, search, fusion,
 * the relevance floor and {@code ask} do not change with the engine.
 */
public interface SearchBackend extends Closeable {

    /** A set of changes applied together by {@link #commit} or not at all ({@link #rollback}). */
    interface Change extends PassageSink, AutoCloseable {

        /** Removes every passage ingested from {@code source}; the count is known only after commit. */
        void removeSource(String source) throws IOException;

        /** Adds a document's passages with their embeddings (one per passage, or null for none). */
        void put(String documentKey, List<Passage> passages, List<float[]> vectors) throws IOException;

        @Override
        default void put(String documentKey, List<Passage> passages) throws IOException {
            put(documentKey, passages, null);
        }

        /** Makes the changes durable and visible to searches. */
        void commit() throws IOException;

        /** Discards every change since {@link SearchBackend#begin}. */
        void rollback() throws IOException;

        /** Rolls back unless committed. */
        @Override
        void close() throws IOException;
    }

    /** Starts a change; one at a time. */
    Change begin() throws IOException;

    /** The best {@code k} passages by BM25 over title, text and MeSH. */
    List<Hit> lexical(String query, int k) throws IOException;

    /** The {@code k} passages whose vectors are nearest {@code vector} (approximate). */
    List<Hit> nearest(float[] vector, int k) throws IOException;

    /** For each passage id, how it matches the query's terms (coverage and evidence, see {@link Hit}). */
    Map<String, Hit.Match> match(String query, List<String> passageIds) throws IOException;

    /** Removes one document by PubMed id or passage id; true when something was removed. */
    boolean removeDocument(String id) throws IOException;

    IndexStats stats() throws IOException;

    List<SourceSummary> sources() throws IOException;
}
