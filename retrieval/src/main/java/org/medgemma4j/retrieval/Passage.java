package org.medgemma4j.retrieval;

import java.util.List;
import java.util.Objects;

/**
 * One indexed unit: a PubMed abstract or a chunk of a longer text, with where it came from.
 *
 * @param id         unique in the index: {@code pmid:N} (chunks {@code pmid:N#c}) or {@code FILE#pPAGE#c}
 * @param source     the file it was ingested from (absolute path), for {@code index list} and {@code index rm}
 * @param pmid       the PubMed id, null for other sources
 * @param title      the article or file title, "" when none
 * @param year       publication year, null when unknown
 * @param journal    the journal's title, "" when none
 * @param mesh       MeSH headings (descriptor, or descriptor/qualifier)
 * @param text       the abstract or the chunk's text
 * @param page       1-based PDF page, null for other sources
 * @param chunk      0-based chunk number within its document (or page)
 * @param chunks     how many chunks the document (or page) was cut into
 * @param startChar  where the chunk starts in its document's (or page's) text
 */
public record Passage(String id, String source, String pmid, String title, Integer year, String journal,
                      List<String> mesh, String text, Integer page, int chunk, int chunks, int startChar) {

    public Passage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        title = title == null ? "" : title;
        journal = journal == null ? "" : journal;
        mesh = mesh == null ? List.of() : List.copyOf(mesh);
        Objects.requireNonNull(text, "text");
    }

    /** The PubMed id as the index spells its document id. */
    public static String pubmedId(String pmid) {
        return "pmid:" + pmid;
    }
}
