package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medgemma4j.retrieval.Hit;
import org.medgemma4j.retrieval.LuceneIndex;
import org.medgemma4j.retrieval.Retriever;
import org.medgemma4j.retrieval.RetrievalJson;
import org.medgemma4j.retrieval.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma search --index DIR QUERY}: the best passages by BM25. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search a literature index (BM25 over title, abstract and MeSH; with --embed-model also by meaning, fused by reciprocal rank).")
final class SearchCommand implements Callable<Integer> {

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder (see index add)")
    Path index;

    @Option(names = "-k", paramLabel = "N", description = "how many hits (default ${DEFAULT-VALUE})")
    int k = 10;

    @Option(names = "--json", description = "print {\"hits\":[{\"pmid\",\"title\",\"year\",\"score\",\"text\"}]}")
    boolean json;

    @picocli.CommandLine.Mixin
    EmbeddingModelOptions embedding = new EmbeddingModelOptions();

    @Parameters(paramLabel = "QUERY", arity = "1..*", description = "the query")
    List<String> query;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String q = String.join(" ", query);
        try (LuceneIndex idx = LuceneIndex.open(index); org.medgemma4j.embed.EmbeddingModel model = embedding.open()) {
            List<Hit> hits = Retriever.forIndex(idx, embedding.embedder(model)).search(q, k);
            if (json) {
                out.println(RetrievalJson.hits(hits));
            } else {
                if (hits.isEmpty()) {
                    out.println("no hits");
                }
                for (int i = 0; i < hits.size(); i++) {
                    Hit h = hits.get(i);
                    out.printf(Locale.ROOT, "%2d. %s  score %.2f  coverage %.2f%n    %s%n", i + 1, new Source(i + 1, h, "").describe(),
                            h.score(), h.coverage(), Source.firstWords(h.passage().text(), 40).replace('\n', ' '));
                }
            }
        }
        out.flush();
        return 0;
    }
}
