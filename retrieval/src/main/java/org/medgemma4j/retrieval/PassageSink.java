package org.medgemma4j.retrieval;

import java.io.IOException;
import java.util.List;

/** Where a reader sends what it finds in a file. */
public interface PassageSink {

    /**
     * Adds one document's passages (an abstract, or a page cut into chunks), replacing every passage an
     * earlier ingest stored under the same document key.
     */
    void put(String documentKey, List<Passage> passages) throws IOException;

    /** Removes a citation (PubMed's DeleteCitation), all of its chunks. */
    void deletePubmed(String pmid) throws IOException;
}
