package org.medgemma4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.TokenizerOracle;
import org.medgemma4j.testing.TokenizerOracle.Case;

/** The tokenizer against llama.cpp on the real Gemma 3 vocabulary, every sample with every flag. */
class TokenizerOracleTest {

    private static Path model;
    private static Tokenizer tokenizer;
    private static List<Case> cases;
    private static List<int[]> expected;

    @BeforeAll
    static void load() throws Exception {
        model = FixtureModels.f32(FixtureModels.TINY);
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.of(file);
        }
        cases = new ArrayList<>();
        for (String text : texts()) {
            for (int flags = 0; flags < 4; flags++) {
                cases.add(new Case(text, (flags & 1) != 0, (flags & 2) != 0));
            }
        }
        expected = TokenizerOracle.tokenize(model, cases);
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>(TokenizerCorpus.SAMPLES);
        texts.add(TokenizerCorpus.longText());
        texts.addAll(TokenizerCorpus.fuzz(100, 42));
        return texts;
    }

    static Stream<Arguments> samples() {
        List<String> texts = texts();
        return IntStream.range(0, texts.size()).mapToObj(i -> Arguments.of(i, shown(texts.get(i))));
    }

    private static String shown(String text) {
        String s = text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
        return s.length() > 60 ? s.substring(0, 60) + "... (" + text.length() + " chars)" : s;
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("samples")
    void encodesAsLlamaCppWithEveryFlag(int sample, String shown) {
        for (int flags = 0; flags < 4; flags++) {
            Case c = cases.get(sample * 4 + flags);
            int[] actual = tokenizer.encode(c.text(), c.addBos(), c.parseSpecial());
            assertThat(actual).as("add_bos=%s parse_special=%s: %s", c.addBos(), c.parseSpecial(), shown)
                    .isEqualTo(expected.get(sample * 4 + flags));
        }
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("samples")
    void decodingGivesTheTextBack(int sample, String shown) {
        String text = texts().get(sample);
        String plain = tokenizer.decode(tokenizer.encode(text, false, false));
        String special = tokenizer.decode(tokenizer.encode(text, false, true));
        if (!text.contains("  ") && !text.contains("\u2581")) {
            assertThat(plain).isEqualTo(text);
            assertThat(special).isEqualTo(text);
        }
        // llama.cpp renders U+2581 as a space in normal tokens but not in the user-defined space-run
        // tokens (so "a  b" comes back as "a▁▁b"); U+2581 is all that may differ.
        assertThat(plain.replace('\u2581', ' ')).isEqualTo(text.replace('\u2581', ' '));
        assertThat(special.replace('\u2581', ' ')).isEqualTo(text.replace('\u2581', ' '));
        assertThat(tokenizer.decode(tokenizer.encode(text, true, true), false))
                .isEqualTo(tokenizer.decode(tokenizer.encode(text, false, true), false));
    }

    @Test
    void detokenizesAsLlamaCpp() {
        Vocabulary v = tokenizer.vocabulary();
        List<int[]> lists = new ArrayList<>();
        for (Case c : cases.subList(0, TokenizerCorpus.SAMPLES.size() * 4)) {
            if (c.addBos() && c.parseSpecial()) {
                lists.add(tokenizer.encode(c.text(), true, true));
            }
        }
        int[] emoji = bytes(v, 0xF0, 0x9F, 0xA9, 0xBA);
        lists.add(emoji);
        lists.add(new int[] {emoji[0], emoji[1], emoji[2]}); // cut short
        lists.add(bytes(v, 0xFF, 'a', 0xE2, 0x82, 'b', 0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xF4, 0x90));
        lists.add(new int[] {v.bos(), v.eos(), v.padding(), v.unknown(), v.id("<mask>"), v.startOfTurn(),
                v.endOfTurn(), v.id("<unused94>"), v.id("<start_of_image>"), v.id("\n\n"), v.id("▁▁")});
        List<String> oracle = TokenizerOracle.detokenize(model, lists);
        for (int i = 0; i < lists.size(); i++) {
            assertThat(tokenizer.decode(lists.get(i))).as("ids %s", Arrays.toString(lists.get(i)))
                    .isEqualTo(oracle.get(i));
        }
    }

    static int[] bytes(Vocabulary v, int... values) {
        return IntStream.of(values).map(b -> v.byteToken((byte) b)).toArray();
    }

    /** llama.cpp only ever sees bytes; a lone surrogate goes to it as Java's UTF-8 encoder writes it. */
    @Test
    void loneSurrogatesTokenizeAsTheirUtf8Encoding() {
        assertThat(tokenizer.encode("a\uD800b \uDC00", true, false)).isEqualTo(tokenizer.encode("a?b ?", true, false));
    }

    @Test
    void readsGemma3SpecialTokens() {
        Vocabulary v = tokenizer.vocabulary();
        assertThat(v.size()).isEqualTo(262144);
        assertThat(new int[] {v.padding(), v.eos(), v.bos(), v.unknown(), v.startOfTurn(), v.endOfTurn()})
                .containsExactly(0, 1, 2, 3, 105, 106);
        assertThat(v.addBos()).isTrue();
        assertThat(v.addSpacePrefix()).isFalse();
        assertThat(v.type(v.startOfTurn())).isEqualTo(TokenType.CONTROL);
        assertThat(v.type(v.byteToken((byte) 0x0A))).isEqualTo(TokenType.BYTE);
        assertThat(v.byteValue(v.byteToken((byte) 0xC3))).isEqualTo(0xC3);
    }
}
