package org.medgemma4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Long prompts must tokenize fast: llama.cpp's priority queue, no quadratic steps. */
class TokenizerSpeedTest {

    private final Tokenizer tokenizer = GemmaTokenizer.get();

    private static String repeat(String unit, int chars) {
        StringBuilder sb = new StringBuilder(chars + unit.length());
        while (sb.length() < chars) {
            sb.append(unit);
        }
        return sb.toString();
    }

    private long bestMillis(String text) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            tokenizer.encode(text, true, true);
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
        }
        return best;
    }

    @Test
    void encodesAHundredKilobytesWellUnderASecond() {
        String prose = repeat(TokenizerCorpus.MEDICAL, 100_000);
        String mixed = repeat(TokenizerCorpus.longText(), 100_000);
        String newlines = repeat("\n", 100_000);
        String noSpaces = repeat("x", 100_000);
        for (String text : new String[] {prose, mixed, newlines, noSpaces}) {
            long ms = bestMillis(text);
            System.out.printf("encode %d chars -> %d tokens in %d ms%n", text.length(),
                    tokenizer.encode(text, true, true).length, ms);
            assertThat(ms).isLessThan(500);
        }
    }
}
