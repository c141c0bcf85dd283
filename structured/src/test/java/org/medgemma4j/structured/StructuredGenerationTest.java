package org.medgemma4j.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.StopReason;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.testing.FixtureModels;

/**
 * Schema-constrained generation on random-weight fixtures, whose free text is gibberish: only real
 * constraining makes their answers JSON that an independent validator accepts, for any seed and temperature.
 */
class StructuredGenerationTest {

    static LoadedModel f32;
    static LoadedModel q4;

    @BeforeAll
    static void open() throws Exception {
        f32 = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
        q4 = LoadedModel.open(FixtureModels.quantized(FixtureModels.TINY, "Q4_K_M"), 2);
    }

    @AfterAll
    static void close() {
        f32.close();
        q4.close();
    }

    private static GenerationResult generate(LoadedModel m, String schema, SamplingParams sampling) {
        int[] prompt = m.template().encode(List.of(ChatMessage.user("Extract the findings of this note as JSON: "
                + "67-year-old woman, type 2 diabetes (E11.9) and hypertension (I10), on metformin 500 mg PO.")), true);
        GenerationOptions options = GenerationOptions.of(400, sampling).withGrammar(JsonSchemaGrammar.compile(SchemaCheck.schema(schema)));
        try (Session s = m.newSession(1024, KvCacheType.F16, 32)) {
            return s.generate(prompt, options, TokenStream.NONE);
        }
    }

    @Test
    void answersValidateForManySeedsAndTemperatures() throws Exception {
        float[] temperatures = {0f, 0.7f, 1.0f, 1.5f};
        for (int i = 0; i < 6; i++) {
            String schema = i % 2 == 0 ? SchemaCheck.EXTRACTION : SchemaCheck.MEDICATIONS;
            LoadedModel m = i % 4 < 2 ? f32 : q4;
            SamplingParams p = SamplingParams.defaults(1000 + i).withTemperature(temperatures[i % temperatures.length]);
            GenerationResult r = generate(m, schema, p);
            assertThat(r.reason()).as("run %d: %s | thinking: %s", i, r.text(), r.thinking()).isEqualTo(StopReason.END_OF_TURN);
            assertThat(SchemaCheck.problems(schema, r.text())).as(r.text()).isEmpty();
            System.out.printf("run %d: %d tokens, %.0f ms, thinking %d chars: %s%n", i, r.tokens().length,
                    r.generateNanos() / 1e6, r.thinking().length(), r.text());
        }
    }

    @Test
    void withoutTheGrammarTheSameModelWritesNoJson() {
        int[] prompt = f32.template().encode(List.of(ChatMessage.user("Reply in JSON.")), true);
        try (Session s = f32.newSession(1024, KvCacheType.F16, 32)) {
            String text = s.generate(prompt, GenerationOptions.of(40, SamplingParams.defaults(5)), TokenStream.NONE).text();
            assertThat(text).satisfies(t -> {
                boolean parses;
                try {
                    new ObjectMapper().readTree(t);
                    parses = !t.isBlank();
                } catch (Exception e) {
                    parses = false;
                }
                assertThat(parses).as(t).isFalse();
            });
        }
    }
}
