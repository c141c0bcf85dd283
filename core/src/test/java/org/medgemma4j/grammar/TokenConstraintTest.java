package org.medgemma4j.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * The token mask over the real 262,144-token Gemma 3 vocabulary: every token it allows keeps the text a
 * prefix of the grammar, tokens it rejects would break it, the end of turn comes only when complete, and a
 * thinking block is left free, then closed at its budget. (Random walks under a JSON Schema's grammar are
 * SchemaTokenConstraintTest, in the structured module.)
 */
class TokenConstraintTest {

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
    void allowedTokensAreExactlyThoseThatKeepAPrefix() {
        Grammar g = Grammar.parse("root ::= \"{\\\"a\\\": \" [0-9]{1,3} \"}\"\n");
        TokenConstraint c = new TokenConstraint(g, tokenizer);
        Vocabulary v = tokenizer.vocabulary();
        float[] logits = new float[v.size()];
        c.mask(logits);
        int allowed = 0;
        for (int t = 0; t < v.size(); t++) {
            boolean ok = logits[t] == 0f;
            String piece = text(t);
            boolean expected = !piece.isEmpty() && t != v.id("<unused94>") && t != v.id("<unused95>")
                    && tokenizer.piece(t, false).length > 0 && "{\"a\": ".startsWith(piece);
            if (t == v.id("<unused94>")) {
                expected = true; // the answer may open with a thinking block
            }
            assertThat(ok).as("token %d '%s'", t, piece).isEqualTo(expected);
            allowed += ok ? 1 : 0;
        }
        assertThat(allowed).isGreaterThan(3);
        assertThat(c.allows(v.endOfTurn())).isFalse();
    }

    @Test
    void endOfTurnOnlyWhenComplete() {
        TokenConstraint c = new TokenConstraint(Grammar.parse("root ::= [0-9]+\n"), tokenizer);
        Vocabulary v = tokenizer.vocabulary();
        assertThat(c.allows(v.endOfTurn())).isFalse();
        c.accept(tokenizer.encode("4", false, false)[0]);
        assertThat(c.accepting()).isTrue();
        assertThat(c.complete()).isFalse(); // more digits may follow
        assertThat(c.allows(v.endOfTurn())).isTrue();
        assertThat(c.allows(v.eos())).isTrue();
        assertThatThrownBy(() -> c.accept(tokenizer.encode("x", false, false)[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThinkingBlockIsLeftFreeAndTheAnswerAfterItConstrained() {
        Vocabulary v = tokenizer.vocabulary();
        TokenConstraint c = new TokenConstraint(Grammar.parse("root ::= \"yes\" | \"no\"\n"), tokenizer);
        c.accept(v.id("<unused94>"));
        int free = tokenizer.encode(" anything at all", false, false)[0];
        assertThat(c.allows(free)).isTrue();
        assertThat(c.allows(v.endOfTurn())).isFalse();
        c.accept(free);
        c.accept(v.id("<unused95>"));
        assertThat(c.allows(free)).isFalse();
        assertThat(c.allows(v.id("<unused94>"))).isFalse();
        for (int t : tokenizer.encode("yes", false, false)) {
            c.accept(t);
        }
        assertThat(c.complete()).isTrue();
    }

    @Test
    void aThinkingBlockOverItsBudgetIsClosed() {
        Vocabulary v = tokenizer.vocabulary();
        TokenConstraint c = new TokenConstraint(Grammar.parse("root ::= \"yes\"\n"), tokenizer, 3);
        int free = tokenizer.encode(" hmm", false, false)[0];
        c.accept(v.id("<unused94>"));
        c.accept(free);
        c.accept(free);
        c.accept(free);
        float[] logits = new float[v.size()];
        c.mask(logits);
        for (int t = 0; t < logits.length; t++) {
            assertThat(logits[t] == 0f).as("token %d", t).isEqualTo(t == v.id("<unused95>"));
        }
    }
}
