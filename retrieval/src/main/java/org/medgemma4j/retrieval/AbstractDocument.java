package org.medgemma4j.retrieval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A PubMed citation as the readers see it, turned into one passage or several chunks. */
record AbstractDocument(String pmid, String title, Integer year, String journal, List<String> mesh, String text) {

    /** "LABEL: text" paragraphs, as PubMed shows a structured abstract. */
    static String structured(List<String> labels, List<String> sections) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sections.size(); i++) {
            String label = i < labels.size() ? labels.get(i) : null;
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            if (label != null && !label.isBlank()) {
                sb.append(label.strip()).append(": ");
            }
            sb.append(sections.get(i).strip());
        }
        return sb.toString();
    }

    /** Sends the citation to the sink under its PubMed key; one passage unless the abstract is long. */
    void sendTo(PassageSink sink, String source, Chunker chunker) throws IOException {
        String key = Passage.pubmedId(pmid);
        List<Chunker.Chunk> chunks = chunker.split(text);
        if (chunks.isEmpty()) {
            chunks = List.of(new Chunker.Chunk(0, "")); // a title-only citation is still findable by its title
        }
        List<Passage> out = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunker.Chunk c = chunks.get(i);
            String id = chunks.size() == 1 ? key : key + "#" + i;
            out.add(new Passage(id, source, pmid, title, year, journal, mesh, c.text(), null, i, chunks.size(), c.start()));
        }
        sink.put(key, out);
    }
}
