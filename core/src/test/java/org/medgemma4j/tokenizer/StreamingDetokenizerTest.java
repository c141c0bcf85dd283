package org.medgemma4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamingDetokenizerTest {

    private final Tokenizer tokenizer = GemmaTokenizer.get();
    private final Vocabulary vocab = tokenizer.vocabulary();

    private List<String> stream(boolean renderSpecial, int... ids) {
        StreamingDetokenizer d = new StreamingDetokenizer(tokenizer, renderSpecial);
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(d.accept(id));
        }
        out.add(d.flush());
        return out;
    }

    @Test
    void holdsAFourByteEmojiUntilItsLastByte() {
        int[] stethoscope = TokenizerOracleTest.bytes(vocab, 0xF0, 0x9F, 0xA9, 0xBA);
        assertThat(stream(false, stethoscope)).containsExactly("", "", "", "\uD83E\uDE7A", "");
    }

    @Test
    void normalTokensAppearAtOnce() {
        int[] ids = tokenizer.encode("Hello wörld", false, false);
        List<String> pieces = stream(false, ids);
        assertThat(pieces.subList(0, ids.length)).doesNotContain("");
        assertThat(String.join("", pieces)).isEqualTo("Hello wörld");
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() {
        assertThat(stream(false, TokenizerOracleTest.bytes(vocab, 0xFF, 'a'))).containsExactly("\uFFFD", "a", "");
        // E2 82 is a valid start that 'a' cuts short: one U+FFFD, then the 'a'.
        assertThat(stream(false, TokenizerOracleTest.bytes(vocab, 0xE2, 0x82, 'a')))
                .containsExactly("", "", "\uFFFDa", "");
        assertThat(stream(false, TokenizerOracleTest.bytes(vocab, 0xF0, 0x9F))).containsExactly("", "", "\uFFFD");
        // ED may start a character; ED A0 would be an encoded surrogate, so each byte is replaced.
        assertThat(stream(false, TokenizerOracleTest.bytes(vocab, 0xED, 0xA0, 0x80)))
                .containsExactly("", "\uFFFD\uFFFD", "\uFFFD", "");
    }

    @Test
    void controlTokensOnlyWhenAsked() {
        int eot = vocab.endOfTurn();
        assertThat(stream(false, eot)).containsExactly("", "");
        assertThat(stream(true, eot)).containsExactly("<end_of_turn>", "");
    }

    @Test
    void joinedPiecesEqualDecodingAtOnce() {
        SplittableRandom random = new SplittableRandom(7);
        int[] words = tokenizer.encode("Dosis 5 µg — 患者 🩺 ok", false, false);
        for (int trial = 0; trial < 500; trial++) {
            int[] ids = new int[random.nextInt(1, 12)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(3) == 0 ? words[random.nextInt(words.length)]
                        : vocab.byteToken((byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256)));
            }
            assertThat(String.join("", stream(true, ids))).isEqualTo(tokenizer.decode(ids));
        }
    }
}
