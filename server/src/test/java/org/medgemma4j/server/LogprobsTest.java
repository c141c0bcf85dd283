package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.Sampler;

/**
 * OpenAI's logprobs come from the model's real distribution: greedy decoding through the server is replayed
 * here on the engine's own logits, and every reported token, log-probability and top alternative must be the
 * log-softmax of those logits (double precision here, so a small tolerance).
 */
class LogprobsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "Name a bone of the arm.";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(1, 4, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The engine's log-softmax of {@code logits}. */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }

    /**
     * Replays {@code prompt} then the greedy tokens, checking each reported entry against the engine's logits. The
     * logits of token i are those left by a greedy generation of i + 1 tokens (its last token sampled, not yet
     * evaluated): the same prompt and step kernels as the server's, so the numbers agree to float rounding.
     */
    static void assertMatchesEngine(int[] prompt, List<JsonNode> entries, int top, boolean chat) {
        try (Session s = server.model.newSession(512, KvCacheType.F16, 32)) {
            for (int i = 0; i < entries.size(); i++) {
                s.reset();
                s.generate(prompt, GenerationOptions.of(i + 1, SamplingParams.defaults(1).withTemperature(0f)).withIgnoreEos(true),
                        TokenStream.NONE);
                float[] logits = s.logits();
                double[] ref = logSoftmax(logits);
                int greedy = Sampler.argmax(logits);
                JsonNode e = entries.get(i);
                assertThat(e.path("logprob").asDouble()).as("token %d", i).isCloseTo(ref[greedy], within(1e-4));
                if (chat) {
                    assertThat(bytes(e.path("bytes"))).as("token %d", i).isEqualTo(server.model.tokenizer().piece(greedy, true));
                    Integer[] order = order(ref);
                    JsonNode alternatives = e.path("top_logprobs");
                    assertThat(alternatives).hasSize(top);
                    for (int k = 0; k < top; k++) {
                        assertThat(bytes(alternatives.get(k).path("bytes"))).isEqualTo(server.model.tokenizer().piece(order[k], true));
                        assertThat(alternatives.get(k).path("logprob").asDouble()).isCloseTo(ref[order[k]], within(1e-4));
                    }
                }
            }
        }
    }

    static Integer[] order(double[] ref) {
        Integer[] ids = new Integer[ref.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> Double.compare(ref[b], ref[a]));
        return ids;
    }

    static byte[] bytes(JsonNode array) {
        byte[] b = new byte[array.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) array.get(i).asInt();
        }
        return b;
    }

    static String chatBody(boolean stream) {
        return "{\"model\":\"" + TestServer.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}],"
                + "\"temperature\":0,\"max_tokens\":6,\"logprobs\":true,\"top_logprobs\":3,\"stream\":" + stream + "}";
    }

    @Test
    void chatLogprobsAreTheLogSoftmaxOfTheEnginesLogits() throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", chatBody(false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).path("choices").get(0);
        List<JsonNode> entries = new ArrayList<>();
        choice.path("logprobs").path("content").forEach(entries::add);
        assertThat(entries).isNotEmpty();
        StringBuilder text = new StringBuilder();
        entries.forEach(e -> text.append(e.path("token").asText()));
        assertThat(text.toString()).isEqualTo(choice.path("message").path("content").asText());
        int[] prompt = server.model.template().encode(List.of(ChatMessage.user(QUESTION)), true);
        assertMatchesEngine(prompt, entries, 3, true);

        // streamed: the same entries, spread over the chunks that carry their text
        HttpResponse<String> s = server.post("/v1/chat/completions", chatBody(true));
        List<JsonNode> streamed = new ArrayList<>();
        for (String line : s.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode lp = JSON.readTree(line.substring(6)).path("choices").get(0).path("logprobs");
                lp.path("content").forEach(streamed::add);
            }
        }
        assertThat(streamed).isEqualTo(entries);
    }

    @Test
    void legacyCompletionLogprobs() throws Exception {
        String prompt = "The femur is";
        HttpResponse<String> r = server.post("/v1/completions", "{\"model\":\"" + TestServer.MODEL + "\",\"prompt\":\""
                + prompt + "\",\"temperature\":0,\"max_tokens\":4,\"logprobs\":2}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).path("choices").get(0);
        JsonNode lp = choice.path("logprobs");
        int n = lp.path("tokens").size();
        assertThat(n).isBetween(1, 4);
        assertThat(lp.path("token_logprobs")).hasSize(n);
        assertThat(lp.path("top_logprobs")).hasSize(n);
        assertThat(lp.path("text_offset")).hasSize(n);
        List<JsonNode> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertThat(lp.path("top_logprobs").get(i).size()).isBetween(1, 2);
            entries.add(JSON.createObjectNode().put("logprob", lp.path("token_logprobs").get(i).asDouble()));
        }
        assertMatchesEngine(server.model.tokenizer().encode(prompt, true, true), entries, 2, false);
        // without the field, no logprobs
        HttpResponse<String> plain = server.post("/v1/completions", "{\"model\":\"" + TestServer.MODEL
                + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}");
        assertThat(JSON.readTree(plain.body()).path("choices").get(0).path("logprobs").isNull()).isTrue();
    }
}
