package org.medgemma4j.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Adds files to a backend, each file as one change: all of its documents are committed together, or, when
 * the file turns out broken halfway, none are (rolled back) and the file is reported by name. Re-adding a
 * file replaces what it gave before; a PubMed citation is keyed by its PMID, so a newer version in an
 * update file replaces the older one wherever it came from.
 */
public final class Ingester {

    /** What became of one file: passages and deletions applied, or why it was skipped. */
    public record FileResult(Path file, long passages, long documents, long deletions, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** Hears about progress: bytes consumed, and each file as it is done. */
    public interface Listener {
        void bytes(long n);

        void fileDone(FileResult result);

        Listener NONE = new Listener() {
            @Override
            public void bytes(long n) {
            }

            @Override
            public void fileDone(FileResult result) {
            }
        };
    }

    private final SearchBackend backend;
    private final Chunker chunker;
    private final PassageEmbedder embedder;

    /** @param embedder vectors for each passage, or null for a BM25-only index */
    public Ingester(SearchBackend backend, Chunker chunker, PassageEmbedder embedder) {
        this.backend = backend;
        this.chunker = chunker;
        this.embedder = embedder;
    }

    /** Every readable file under the given paths (folders are walked), in a stable order. */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> DocumentReader.forFile(f, Chunker.standard()).isPresent())
                            .sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    public List<FileResult> addAll(List<Path> files, Listener listener) {
        List<FileResult> results = new ArrayList<>();
        for (Path f : files) {
            FileResult r = add(f, listener::bytes);
            results.add(r);
            listener.fileDone(r);
        }
        return results;
    }

    /** Adds one file as one change; never throws for a bad file, reports it instead. */
    public FileResult add(Path file, LongConsumer bytes) {
        var reader = DocumentReader.forFile(file, chunker);
        if (reader.isEmpty()) {
            return new FileResult(file, 0, 0, 0, "unknown format (expected " + DocumentReader.FORMATS + ")");
        }
        if (!Files.isRegularFile(file)) {
            return new FileResult(file, 0, 0, 0, Files.exists(file) ? "not a regular file" : "no such file");
        }
        String source = file.toAbsolutePath().normalize().toString();
        long[] counts = new long[3];
        try (SearchBackend.Change change = backend.begin()) {
            change.removeSource(source);
            PassageSink sink = new PassageSink() {
                @Override
                public void put(String key, List<Passage> passages) throws IOException {
                    change.put(key, passages, embedder == null ? null : embedder.embedAll(passages));
                    counts[0] += passages.size();
                    counts[1]++;
                }

                @Override
                public void deletePubmed(String pmid) throws IOException {
                    change.deletePubmed(pmid);
                    counts[2]++;
                }
            };
            reader.get().read(file, source, sink, bytes);
            change.commit();
            return new FileResult(file, counts[0], counts[1], counts[2], null);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return new FileResult(file, 0, 0, 0, message(e));
        } catch (RuntimeException e) {
            // A parser failing on content it does not expect (PDFBox does, on some damaged files): still
            // this file's problem, and the batch goes on; the class names the failure.
            return new FileResult(file, 0, 0, 0, file + ": " + e.getClass().getName() + ": " + message(e));
        }
    }

    private static String message(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
