package org.medgemma4j.grammar;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.structured.JsonSchemaGrammar;
import org.medgemma4j.structured.SchemaCheck;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * Not a test: what the JSON Schema constraint costs per token, for docs/structured-output.md. Prints the
 * token trie's build time, the mask's cost per token (a trie walk for a state not seen before, and a
 * state met again), and a decode step with and without the constraint on a model (the tiny fixture by
 * default). Arguments: [model.gguf] [threads]. In package grammar (of the structured module's test sources)
 * because it reads the token trie's package-private counts.
 */
public final class ConstraintCostBenchmark {

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : FixtureModels.f32(FixtureModels.TINY);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        try (LoadedModel model = LoadedModel.open(file, threads)) {
            System.out.printf("%s, %d threads%n", file.getFileName(), threads);
            Vocabulary v = model.tokenizer().vocabulary();
            long t0 = System.nanoTime();
            TokenTrie trie = TokenTrie.of(model.tokenizer());
            System.out.printf("token trie: %d tokens, %d nodes, built in %.0f ms (once per vocabulary)%n",
                    trie.tokens.length, trie.nodes, (System.nanoTime() - t0) / 1e6);
            for (String name : List.of("EXTRACTION", "MEDICATIONS")) {
                String schema = name.equals("EXTRACTION") ? SchemaCheck.EXTRACTION : SchemaCheck.MEDICATIONS;
                Grammar g = JsonSchemaGrammar.compile(SchemaCheck.schema(schema));
                maskCost(name, g, model, v);
            }
            decodeSteps(model);
        }
    }

    /** Random logits, the best allowed token taken: every step's mask timed, split by cache hit or walk. */
    private static void maskCost(String name, Grammar g, LoadedModel model, Vocabulary v) {
        SplittableRandom random = new SplittableRandom(3);
        float[] logits = new float[v.size()];
        long[] walkTimes = new long[100_000];
        long[] hitTimes = new long[100_000];
        int walks = 0;
        int hits = 0;
        for (int run = 0; run < 30; run++) {
            TokenConstraint c = new TokenConstraint(g, model.tokenizer());
            for (int step = 0; step < 400 && !c.complete(); step++) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) random.nextGaussian();
                }
                int before = c.trieWalks();
                long t = System.nanoTime();
                c.mask(logits);
                long dt = System.nanoTime() - t;
                if (c.trieWalks() > before) {
                    walkTimes[walks++] = dt;
                } else {
                    hitTimes[hits++] = dt;
                }
                int best = 0;
                for (int i = 1; i < logits.length; i++) {
                    if (logits[i] > logits[best]) {
                        best = i;
                    }
                }
                if (best == v.endOfTurn() || best == v.eos() || best == v.id("<unused94>")) {
                    break;
                }
                c.accept(best);
            }
        }
        long all = Arrays.stream(walkTimes, 0, walks).sum() + Arrays.stream(hitTimes, 0, hits).sum();
        System.out.printf("%s mask: mean %.2f ms per token over %d tokens; new state (trie walk) median %.2f ms, p95 %.2f ms,"
                        + " max %.2f ms over %d; state met again median %.3f ms over %d%n",
                name, all / 1e6 / (walks + hits), walks + hits, percentile(walkTimes, walks, 0.5),
                percentile(walkTimes, walks, 0.95), percentile(walkTimes, walks, 1.0), walks, percentile(hitTimes, hits, 0.5), hits);
    }

    private static double percentile(long[] values, int n, double p) {
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return sorted[(int) Math.min(n - 1, Math.floor(p * n))] / 1e6;
    }

    /** The same model generating with and without the constraint: time per generated token. */
    private static void decodeSteps(LoadedModel model) {
        int[] prompt = model.template().encode(List.of(ChatMessage.user("Extract the findings as JSON: 67-year-old woman, "
                + "type 2 diabetes (E11.9), hypertension (I10), metformin 500 mg PO.")), true);
        Grammar g = JsonSchemaGrammar.compile(SchemaCheck.schema(SchemaCheck.EXTRACTION));
        long constrainedNanos = 0;
        int constrainedTokens = 0;
        long freeNanos = 0;
        int freeTokens = 0;
        try (Session s = model.newSession(2048, KvCacheType.F16, 32)) {
            for (int seed = 0; seed < 6; seed++) {
                SamplingParams p = SamplingParams.defaults(seed);
                GenerationResult c = s.generate(prompt, GenerationOptions.of(300, p).withGrammar(g), TokenStream.NONE);
                constrainedNanos += c.generateNanos();
                constrainedTokens += c.tokens().length;
                GenerationResult f = s.generate(prompt, GenerationOptions.of(c.tokens().length, p).withIgnoreEos(true), TokenStream.NONE);
                freeNanos += f.generateNanos();
                freeTokens += f.tokens().length;
            }
        }
        System.out.printf("decode step: %.2f ms free, %.2f ms constrained (%d and %d tokens)%n",
                freeNanos / 1e6 / freeTokens,
                constrainedNanos / 1e6 / constrainedTokens, freeTokens, constrainedTokens);
    }
}
