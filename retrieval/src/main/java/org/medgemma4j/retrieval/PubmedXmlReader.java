package org.medgemma4j.retrieval;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * PubMed/MEDLINE baseline and update files ({@code .xml} or {@code .xml.gz}), streamed with StAX: one
 * citation is in memory at a time. Reads PubmedArticle/MedlineCitation/{PMID, Article/{ArticleTitle,
 * Abstract/AbstractText[@Label], Journal/{Title, JournalIssue/PubDate/{Year | MedlineDate}}},
 * MeshHeadingList/MeshHeading/DescriptorName}, and DeleteCitation/PMID (update files) as a deletion.
 * Book records (PubmedBookArticle) are skipped. The DOCTYPE's DTD is never fetched.
 */
final class PubmedXmlReader implements DocumentReader {

    private static final Pattern YEAR = Pattern.compile("(1[89]|20)\\d\\d");
    private final Chunker chunker;

    PubmedXmlReader(Chunker chunker) {
        this.chunker = chunker;
    }

    static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    @Override
    public void read(Path file, String source, PassageSink sink, LongConsumer bytesRead) throws IOException {
        boolean gz = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        try (InputStream raw = new CountingInputStream(Files.newInputStream(file), bytesRead);
             InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw, 1 << 16)) {
            XMLStreamReader r = factory().createXMLStreamReader(in);
            try {
                new Parse(r, source, sink).run();
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            var loc = e.getLocation();
            throw new IOException(file + ": not well-formed XML" + (loc != null ? " at line " + loc.getLineNumber() : "")
                    + ": " + firstLine(e.getMessage()), e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a valid gzip file: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": the file ends early (truncated download?)", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return nl >= 0 ? t.substring(nl + 1).strip() : t;
    }

    private final class Parse {
        private final XMLStreamReader r;
        private final String source;
        private final PassageSink sink;
        private final Deque<String> path = new ArrayDeque<>();
        private boolean sawRoot;
        // the citation being read
        private String pmid;
        private String title;
        private Integer year;
        private String journal;
        private final List<String> mesh = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private final List<String> sections = new ArrayList<>();

        Parse(XMLStreamReader r, String source, PassageSink sink) {
            this.r = r;
            this.source = source;
            this.sink = sink;
        }

        void run() throws XMLStreamException, IOException {
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    start(r.getLocalName());
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    end(path.pop());
                }
            }
            if (!sawRoot) {
                throw new XMLStreamException("no PubmedArticleSet element: not a PubMed/MEDLINE XML file");
            }
        }

        private String parent() {
            return path.peek();
        }

        private boolean under(String... names) {
            var it = path.iterator();
            for (String n : names) {
                if (!it.hasNext() || !it.next().equals(n)) {
                    return false;
                }
            }
            return true;
        }

        private void start(String name) throws XMLStreamException, IOException {
            if (path.isEmpty()) {
                if (!name.equals("PubmedArticleSet") && !name.equals("MedlineCitationSet")) {
                    throw new XMLStreamException("root element <" + name + ">: not a PubMed/MEDLINE XML file");
                }
                sawRoot = true;
            }
            switch (name) {
                case "PubmedArticle", "MedlineCitation" -> {
                    if (name.equals("PubmedArticle") || !"PubmedArticle".equals(parent())) {
                        reset();
                    }
                }
                case "PubmedBookArticle" -> {
                    skip();
                    return;
                }
                case "PMID" -> {
                    if ("MedlineCitation".equals(parent())) {
                        pmid = text().strip();
                        return;
                    }
                    if ("DeleteCitation".equals(parent())) {
                        String id = text().strip();
                        if (!id.isEmpty()) {
                            sink.deletePubmed(id);
                        }
                        return;
                    }
                }
                case "ArticleTitle" -> {
                    if ("Article".equals(parent())) {
                        title = text().strip();
                        return;
                    }
                }
                case "AbstractText" -> {
                    if (under("Abstract", "Article")) {
                        labels.add(r.getAttributeValue(null, "Label"));
                        sections.add(text());
                        return;
                    }
                }
                case "Title" -> {
                    if (under("Journal", "Article")) {
                        journal = text().strip();
                        return;
                    }
                }
                case "Year", "MedlineDate" -> {
                    if (under("PubDate", "JournalIssue", "Journal")) {
                        Matcher m = YEAR.matcher(text());
                        if (m.find()) {
                            year = Integer.parseInt(m.group());
                        }
                        return;
                    }
                }
                case "DescriptorName" -> {
                    if ("MeshHeading".equals(parent())) {
                        mesh.add(text().strip());
                        return;
                    }
                }
                default -> {
                }
            }
            path.push(name);
        }

        private void end(String name) throws IOException {
            boolean citationEnds = name.equals("PubmedArticle") || name.equals("MedlineCitation") && !path.contains("PubmedArticle");
            if (citationEnds && pmid != null && !pmid.isEmpty()) {
                String abstractText = AbstractDocument.structured(labels, sections);
                new AbstractDocument(pmid, title, year, journal, mesh, abstractText).sendTo(sink, source, chunker);
                pmid = null;
            }
        }

        private void reset() {
            pmid = null;
            title = "";
            year = null;
            journal = "";
            mesh.clear();
            labels.clear();
            sections.clear();
        }

        // All text inside the current element, inline markup (<i>, <sup>) included; ends on its end tag.
        private String text() throws XMLStreamException {
            StringBuilder sb = new StringBuilder();
            int depth = 1;
            while (depth > 0) {
                int e = r.next();
                switch (e) {
                    case XMLStreamConstants.START_ELEMENT -> depth++;
                    case XMLStreamConstants.END_ELEMENT -> depth--;
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> sb.append(r.getText());
                    default -> {
                    }
                }
            }
            return sb.toString();
        }

        private void skip() throws XMLStreamException {
            text();
        }
    }
}
