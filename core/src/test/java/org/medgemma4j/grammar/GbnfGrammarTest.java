package org.medgemma4j.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GBNF text parsed and run: what it accepts, what it rejects, and clear errors for bad grammars. */
class GbnfGrammarTest {

    @Test
    void literalsClassesAndAlternatives() {
        Grammar g = Grammar.parse("""
                root ::= greeting " " name   # a comment
                greeting ::= "hi" | "hello"
                name ::= [A-Z] [a-z]*
                """);
        assertThat(GrammarMatch.accepts(g, "hi Bob")).isTrue();
        assertThat(GrammarMatch.accepts(g, "hello Alexandra")).isTrue();
        assertThat(GrammarMatch.accepts(g, "hello bob")).isFalse();
        assertThat(GrammarMatch.accepts(g, "hey Bob")).isFalse();
        assertThat(GrammarMatch.isPrefix(g, "hel")).isTrue();
        assertThat(GrammarMatch.accepts(g, "hel")).isFalse();
    }

    @Test
    void repetitionsCountExactly() {
        Grammar g = Grammar.parse("root ::= \"a\"{2,4} \"b\"? (\"c\" | \"d\")+ [0-9]{3}\n");
        assertThat(GrammarMatch.accepts(g, "aac123")).isTrue();
        assertThat(GrammarMatch.accepts(g, "aaaabdcd007")).isTrue();
        assertThat(GrammarMatch.accepts(g, "ac123")).isFalse();
        assertThat(GrammarMatch.accepts(g, "aaaaac123")).isFalse();
        assertThat(GrammarMatch.accepts(g, "aab123")).isFalse();
        assertThat(GrammarMatch.accepts(g, "aac12")).isFalse();
        assertThat(GrammarMatch.accepts(g, "aac1234")).isFalse();
    }

    @Test
    void negatedClassesEscapesAndUnicode() {
        Grammar g = Grammar.parse("root ::= \"\\\"\" [^\"\\\\\\n]* \"\\\"\" [\\x41-\\x43] \"\\u00e9\" .\n");
        assertThat(GrammarMatch.accepts(g, "\"naïve 😀\"Bé!")).isTrue();
        assertThat(GrammarMatch.accepts(g, "\"a\nb\"Bé!")).isFalse();
        assertThat(GrammarMatch.accepts(g, "\"x\"Dé!")).isFalse();
        // half of a multi-byte character is a valid prefix only if some character could complete it
        assertThat(GrammarMatch.isPrefix(g, "\"x\"Bé")).isTrue();
    }

    @Test
    void recursionToAnyDepth() {
        Grammar g = Grammar.parse("root ::= \"(\" root \")\" | \"x\"\n");
        assertThat(GrammarMatch.accepts(g, "(".repeat(200) + "x" + ")".repeat(200))).isTrue();
        assertThat(GrammarMatch.accepts(g, "(".repeat(200) + "x" + ")".repeat(199))).isFalse();
    }

    @Test
    void parseErrorsNameTheLineAndTheProblem() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\nitem := \"b\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("line 2").hasMessageContaining("'::='");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"abc\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("unterminated literal");
        assertThatThrownBy(() -> Grammar.parse("root ::= [a-z\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("unterminated character class");
        assertThatThrownBy(() -> Grammar.parse("root ::= item\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("undefined rule 'item'");
        assertThatThrownBy(() -> Grammar.parse("item ::= \"a\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("no 'root' rule");
        assertThatThrownBy(() -> Grammar.parse("root ::= root \"a\" | \"b\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("left-recursive");
        assertThatThrownBy(() -> Grammar.parse("root ::= x \"a\"\nx ::= \"\" | root\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("left-recursive");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\nroot ::= \"b\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("defined twice");
        assertThatThrownBy(() -> Grammar.parse("root ::= * \"a\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("nothing before it");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"{3,2}\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("maximum below its minimum");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"\\q\"\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("unknown escape");
    }
}
