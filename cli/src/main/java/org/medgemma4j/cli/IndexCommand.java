package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medgemma4j.retrieval.Chunker;
import org.medgemma4j.retrieval.IndexStats;
import org.medgemma4j.retrieval.Ingester;
import org.medgemma4j.retrieval.LuceneIndex;
import org.medgemma4j.retrieval.RetrievalJson;
import org.medgemma4j.retrieval.SourceSummary;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma index add|list|stats|rm}: a local literature index for search and ask. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build and inspect a local literature index (PubMed XML, PubMedQA JSON, text, Markdown, PDF).",
        subcommands = {IndexCommand.Add.class, IndexCommand.ListSources.class, IndexCommand.Stats.class, IndexCommand.Remove.class})
final class IndexCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add files (or folders of them); each file is committed whole or, when broken, skipped and reported. "
                    + "Adding a file again replaces what it gave before.")
    static final class Add implements Callable<Integer> {
        @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder (created if absent)")
        Path index;

        @Option(names = "--progress", description = "draw the progress bar even when stderr is not a terminal")
        boolean progress;

        @picocli.CommandLine.Mixin
        EmbeddingModelOptions embedding = new EmbeddingModelOptions();

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "PubMed .xml/.xml.gz, PubMedQA .json, .txt, .md, .pdf, or folders")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Path> all = Ingester.expand(files);
            long total = 0;
            for (Path f : all) {
                total += Files.isRegularFile(f) ? Files.size(f) : 0;
            }
            List<Ingester.FileResult> failed = new ArrayList<>();
            long passages = 0;
            long t0 = System.nanoTime();
            DownloadProgress bar = TerminalProgress.forStderr(progress);
            try (LuceneIndex idx = LuceneIndex.openOrCreate(index);
                 org.medgemma4j.embed.EmbeddingModel model = embedding.open()) {
                org.medgemma4j.retrieval.GemmaEmbedder embedder = embedding.embedder(model);
                if (embedder != null) {
                    idx.useEmbeddingModel(embedder.model(), embedder.dimensions());
                } else if (!idx.embeddingModel().isEmpty()) {
                    throw new IllegalArgumentException(index + ": this index holds vectors from " + idx.embeddingModel()
                            + "; add files with --embed-model (that model) so that every passage has one");
                }
                bar.start("indexing", total, 0);
                List<Ingester.FileResult> results = new Ingester(idx, Chunker.standard(), embedder).addAll(all, new Ingester.Listener() {
                    @Override
                    public void bytes(long n) {
                        bar.advance(n);
                    }

                    @Override
                    public void fileDone(Ingester.FileResult r) {
                        if (!r.ok()) {
                            failed.add(r);
                        }
                    }
                });
                bar.close();
                for (Ingester.FileResult r : results) {
                    if (r.ok()) {
                        passages += r.passages();
                        out.printf(Locale.ROOT, "added %s: %d documents, %d passages%s%n", r.file(), r.documents(), r.passages(),
                                r.deletions() > 0 ? ", " + r.deletions() + " citations deleted" : "");
                    }
                }
                IndexStats s = idx.stats();
                out.printf(Locale.ROOT, "%s: %d passages from %d files (%d PubMed citations), %.1f MB; %d passages added in %.1f s%n",
                        index, s.passages(), s.sources(), s.pubmed(), s.bytes() / 1e6, passages, (System.nanoTime() - t0) / 1e9);
            } finally {
                bar.close();
            }
            for (Ingester.FileResult r : failed) {
                err.println("skipped " + r.file() + ": " + r.error());
            }
            out.flush();
            err.flush();
            return failed.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the ingested files and their passages.")
    static final class ListSources implements Callable<Integer> {
        @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder")
        Path index;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LuceneIndex idx = LuceneIndex.open(index)) {
                for (SourceSummary s : idx.sources()) {
                    out.printf(Locale.ROOT, "%8d  %s%n", s.passages(), s.source());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Passages, citations, files and size of an index.")
    static final class Stats implements Callable<Integer> {
        @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder")
        Path index;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LuceneIndex idx = LuceneIndex.open(index)) {
                IndexStats s = idx.stats();
                if (json) {
                    ObjectNode o = RetrievalJson.MAPPER.valueToTree(s);
                    o.put("index", index.toString());
                    out.println(o);
                } else {
                    out.printf(Locale.ROOT, "index      %s%npassages   %d%npubmed     %d citations%nfiles      %d%nsize       %.1f MB%n"
                                    + "analyzer   %s (BM25 k1 %.1f b %.1f)%nvectors    %s%n", index, s.passages(), s.pubmed(), s.sources(),
                            s.bytes() / 1e6, s.analyzer(), LuceneIndex.K1, LuceneIndex.B,
                            s.vectorDims() == 0 ? "none (BM25 only)" : s.vectorDims() + " dims from " + s.embeddingModel());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove ingested files (as listed by index list) or single documents (a PMID, pmid:N, or a passage id).")
    static final class Remove implements Callable<Integer> {
        @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder")
        Path index;

        @Parameters(paramLabel = "FILE|PMID|ID", arity = "1..*")
        List<String> targets;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int missing = 0;
            try (LuceneIndex idx = LuceneIndex.open(index)) {
                for (String t : targets) {
                    String source = Path.of(t).toAbsolutePath().normalize().toString();
                    long n = idx.removeSource(source);
                    if (n > 0) {
                        out.println("removed " + source + ": " + n + " passages");
                    } else if (idx.removeDocument(t)) {
                        out.println("removed " + t);
                    } else {
                        err.println("not in the index: " + t);
                        missing++;
                    }
                }
            }
            out.flush();
            err.flush();
            return missing == 0 ? 0 : 1;
        }
    }
}
