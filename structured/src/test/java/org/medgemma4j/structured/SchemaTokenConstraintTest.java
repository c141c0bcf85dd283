package org.medgemma4j.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.grammar.TokenConstraint;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * The token mask of a compiled JSON Schema over the real 262,144-token Gemma 3 vocabulary: random walks
 * through allowed tokens always end in JSON that an independent validator accepts. Also reports the
 * mask's cost per token.
 */
class SchemaTokenConstraintTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (GgufFile f = GgufFile.open(FixtureModels.f32(FixtureModels.TINY))) {
            tokenizer = Tokenizer.of(f);
        }
    }

    private static String text(int token) {
        return new String(tokenizer.piece(token, false), StandardCharsets.UTF_8);
    }

    @Test
    void randomWalksThroughAllowedTokensEndInValidJson() throws Exception {
        Grammar g = JsonSchemaGrammar.compile(SchemaCheck.schema(SchemaCheck.EXTRACTION));
        Vocabulary v = tokenizer.vocabulary();
        SplittableRandom random = new SplittableRandom(11);
        long nanos = 0;
        int steps = 0;
        int walks = 0;
        for (int run = 0; run < 20; run++) {
            TokenConstraint c = new TokenConstraint(g, tokenizer);
            StringBuilder out = new StringBuilder();
            float[] logits = new float[v.size()];
            for (int step = 0; step < 400 && !c.complete(); step++) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) random.nextGaussian();
                }
                long t0 = System.nanoTime();
                c.mask(logits);
                nanos += System.nanoTime() - t0;
                steps++;
                int best = 0;
                for (int i = 1; i < logits.length; i++) {
                    if (logits[i] > logits[best]) {
                        best = i;
                    }
                }
                if (best == v.id("<unused94>")) {
                    continue; // not taken here: the walk tests the answer
                }
                if (best == v.endOfTurn() || best == v.eos()) {
                    break;
                }
                c.accept(best);
                out.append(text(best));
            }
            walks += c.trieWalks();
            assertThat(c.accepting()).as(out.toString()).isTrue();
            assertThat(SchemaCheck.problems(SchemaCheck.EXTRACTION, out.toString())).as(out.toString()).isEmpty();
            new ObjectMapper().readTree(out.toString());
        }
        System.out.printf("token mask: %.3f ms per token over %d tokens (%d trie walks)%n", nanos / 1e6 / steps, steps, walks);
    }
}
