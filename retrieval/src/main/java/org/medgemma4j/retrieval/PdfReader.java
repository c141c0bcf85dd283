package org.medgemma4j.retrieval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF (Apache PDFBox): each page's text is its own document (key FILE#pPAGE), cut into chunks, so every
 * hit can say which page it came from. The title is the PDF's own, else the file name. A file with no
 * text layer (a scan) is refused: it needs OCR first.
 */
final class PdfReader implements DocumentReader {

    private final Chunker chunker;

    PdfReader(Chunker chunker) {
        this.chunker = chunker;
    }

    @Override
    public void read(Path file, String source, PassageSink sink, LongConsumer bytesRead) throws IOException {
        long size = Files.size(file);
        PDDocument pdf;
        try {
            pdf = Loader.loadPDF(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable PDF: " + e.getMessage(), e);
        }
        try (pdf) {
            if (pdf.isEncrypted() && !pdf.getCurrentAccessPermission().canExtractContent()) {
                throw new IOException(file + ": encrypted PDF that forbids text extraction");
            }
            String info = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            String title = info != null && !info.isBlank() ? info.strip() : file.getFileName().toString();
            PDFTextStripper stripper = new PDFTextStripper();
            int pages = pdf.getNumberOfPages();
            int withText = 0;
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(pdf);
                List<Chunker.Chunk> chunks = chunker.split(text);
                if (!chunks.isEmpty()) {
                    withText++;
                    String key = source + "#p" + page;
                    List<Passage> out = new ArrayList<>();
                    for (int i = 0; i < chunks.size(); i++) {
                        Chunker.Chunk c = chunks.get(i);
                        out.add(new Passage(key + "#c" + i, source, null, title, null, "", List.of(), c.text(), page, i,
                                chunks.size(), c.start()));
                    }
                    sink.put(key, out);
                }
                bytesRead.accept(size / Math.max(1, pages));
            }
            if (withText == 0) {
                throw new IOException(file + ": no text in any of its " + pages + " pages (a scanned PDF needs OCR first)");
            }
        }
    }
}
