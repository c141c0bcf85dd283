package org.medgemma4j.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes PubMedQA records as a PubMed baseline/update file, with the DOCTYPE NLM's files carry. */
final class MedlineXmlWriter {

    private MedlineXmlWriter() {
    }

    static void write(Path file, Map<String, JsonNode> records, List<String> deletions) throws IOException {
        boolean gz = file.toString().endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file); OutputStream out = gz ? new GZIPOutputStream(raw) : raw) {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeDTD("<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" "
                    + "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">");
            w.writeStartElement("PubmedArticleSet");
            for (var e : records.entrySet()) {
                article(w, e.getKey(), e.getValue());
            }
            if (!deletions.isEmpty()) {
                w.writeStartElement("DeleteCitation");
                for (String pmid : deletions) {
                    w.writeStartElement("PMID");
                    w.writeAttribute("Version", "1");
                    w.writeCharacters(pmid);
                    w.writeEndElement();
                }
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException(e);
        }
    }

    private static void article(XMLStreamWriter w, String pmid, JsonNode r) throws XMLStreamException {
        w.writeStartElement("PubmedArticle");
        w.writeStartElement("MedlineCitation");
        w.writeAttribute("Status", "MEDLINE");
        w.writeAttribute("Owner", "NLM");
        element(w, "PMID", pmid);
        w.writeStartElement("Article");
        w.writeStartElement("Journal");
        w.writeStartElement("JournalIssue");
        w.writeStartElement("PubDate");
        element(w, "Year", r.path("YEAR").asText());
        element(w, "Month", "Jan");
        w.writeEndElement();
        w.writeEndElement();
        w.writeEndElement();
        // PubMedQA has no titles (its question is the title reworded): an empty one, as the JSON reader has.
        element(w, "ArticleTitle", "");
        w.writeStartElement("Abstract");
        JsonNode labels = r.path("LABELS");
        JsonNode contexts = r.path("CONTEXTS");
        for (int i = 0; i < contexts.size(); i++) {
            w.writeStartElement("AbstractText");
            if (i < labels.size()) {
                w.writeAttribute("Label", labels.get(i).asText());
                w.writeAttribute("NlmCategory", "UNASSIGNED");
            }
            w.writeCharacters(contexts.get(i).asText());
            w.writeEndElement();
        }
        w.writeEndElement();
        w.writeEndElement();
        // A reference list's PMIDs must not be taken for the citation's own.
        w.writeStartElement("CommentsCorrectionsList");
        w.writeStartElement("CommentsCorrections");
        w.writeAttribute("RefType", "Cites");
        element(w, "PMID", "1");
        w.writeEndElement();
        w.writeEndElement();
        w.writeStartElement("MeshHeadingList");
        for (JsonNode m : r.path("MESHES")) {
            w.writeStartElement("MeshHeading");
            w.writeStartElement("DescriptorName");
            w.writeAttribute("UI", "D000000");
            w.writeCharacters(m.asText());
            w.writeEndElement();
            element(w, "QualifierName", "methods");
            w.writeEndElement();
        }
        w.writeEndElement();
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
