package org.medgemma4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerParserTest {

    private static final Item ITEM = new Item("1", null, "q", List.of("Inhibition of proteasome", "Hyperstabilization of microtubules",
            "Generation of free radicals", "Cross-linking of DNA"), null, "D");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Answer: D|D",
            "answer: b|",
            "The correct answer is (C).|C",
            "**Final Answer:** B|B",
            "D|D",
            "D.|D",
            "(A) Inhibition of proteasome|A",
            "Option C|C",
            "Cross-linking of DNA.|D",
            "The answer is: cross-linking of DNA|D",
            "$\\boxed{B}$|B",
            "<unused94>thought The answer is A.<unused95>Answer: C|C",
            "<unused94>thought The answer is A.|",
            "<think>A? no</think>B|B",
            "A is wrong and B is wrong, so the answer is D.|D",
            "The answer is C, not option A.|C",
            "A or B|",
            "A good choice would be to wait.|",
            "I cannot answer medical questions.|",
            "The answer is E|",
            "''|",
    })
    void readsLetters(String raw, String expected) {
        assertThat(AnswerParser.parse(raw, ITEM).orElse(null)).as(raw).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Yes|yes",
            "No, the data do not support it.|no",
            "Answer: Maybe|maybe",
            "The answer is no.|no",
            "**yes**|yes",
            "<unused94>thought maybe yes, maybe no<unused95>No.|no",
            "Final answer: yes|yes",
            "It is not known.|",
            "Nobody knows.|",
            "Yesterday's results are unclear.|",
    })
    void readsYesNoMaybe(String raw, String expected) {
        Item pubmed = new Item("2", null, "q", List.of(), "abstract", "yes");
        assertThat(AnswerParser.parse(raw, pubmed).orElse(null)).as(raw).isEqualTo(expected);
    }
}
