package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.retrieval.GroundedAnswer;
import org.medgemma4j.retrieval.GroundedAnswerer;
import org.medgemma4j.retrieval.Hit;
import org.medgemma4j.retrieval.LuceneIndex;
import org.medgemma4j.retrieval.RelevanceFloor;
import org.medgemma4j.retrieval.RetrievalJson;
import org.medgemma4j.retrieval.Retriever;
import org.medgemma4j.retrieval.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma ask -m MODEL --index DIR QUESTION}: an answer grounded in the index, citing numbered sources. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Answer from the literature in an index, citing numbered sources [n]; says so instead when nothing relevant "
                + "is found. Research use only.")
final class AskCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    AnswerOptions answer;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder (see index add)")
    Path index;

    @Option(names = "--sources", paramLabel = "N", description = "passages to retrieve at most (default ${DEFAULT-VALUE})")
    int sources = 5;

    @Option(names = "--min-coverage", paramLabel = "X", description = "relevance floor: IDF-weighted share of the question's terms a source must contain (default ${DEFAULT-VALUE})")
    double minCoverage = RelevanceFloor.DEFAULT.minCoverage();

    @Option(names = "--min-evidence", paramLabel = "X", description = "relevance floor: rare vocabulary shared with the question, in units of the rarest term's IDF (default ${DEFAULT-VALUE})")
    double minEvidence = RelevanceFloor.DEFAULT.minEvidence();

    @Option(names = "--json", description = "print {\"answer\",\"sources\":[{\"n\",\"pmid\",\"title\"}],\"unknown_citations\"} instead of streaming")
    boolean json;

    @Mixin
    EmbeddingModelOptions embedding = new EmbeddingModelOptions();

    @Mixin
    AuditOptions audit;

    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "the question")
    List<String> question;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String q = String.join(" ", question);
        audit.validate();
        try (LuceneIndex idx = LuceneIndex.open(index)) {
            GroundedAnswerer asker;
            List<Hit> hits;
            // the embedding model is needed for the question's vector only: closed before the answer's model loads
            try (EmbeddingModel embedModel = embedding.open()) {
                asker = new GroundedAnswerer(Retriever.forIndex(idx, embedding.embedder(embedModel)),
                        new RelevanceFloor(minCoverage, minEvidence), sources);
                hits = asker.retrieve(q);
            }
            GroundedAnswer a;
            if (hits.isEmpty()) {
                // no model is loaded for an abstention
                a = asker.answer(q, hits, null, sampling.toOptions(), json ? TokenStream.NONE : answer.stream(out, err));
            } else {
                if (answer.system != null) {
                    throw new IllegalArgumentException("ask writes its own system prompt (answer from the sources, cite them); --system is not used");
                }
                try (LoadedModel m = model.open(err); Session session = model.newSession(m)) {
                    GenerationOptions options = sampling.toOptions();
                    a = asker.answer(q, hits, session, options, json ? TokenStream.NONE : answer.stream(out, err));
                    if (a.result() != null) {
                        audit.record("ask", m, options, null, q, a.result());
                    }
                }
            }
            if (json) {
                out.println(RetrievalJson.answer(a));
            } else {
                out.println();
                if (!a.sources().isEmpty()) {
                    out.println();
                    out.println("Sources:");
                    for (Source s : a.sources()) {
                        out.println("[" + s.n() + "] " + s.describe());
                    }
                }
                if (!a.unknown().isEmpty()) {
                    out.println("warning: the answer cites " + a.unknown().stream().map(n -> "[" + n + "]").toList()
                            + ", which are not in the sources list (marked [n?])");
                }
                if (a.result() != null && answer.verbose) {
                    Timings.print(err, a.result());
                }
            }
        }
        out.flush();
        err.flush();
        return 0;
    }
}
