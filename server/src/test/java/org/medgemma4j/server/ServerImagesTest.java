package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ollama.OllamaChatModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.ImageTurns;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.MmprojFixtures;
import org.medgemma4j.vision.VisionModel;

/**
 * Images through both APIs' real clients on the tiny fixture with a random-weight mmproj beside it: the
 * answer equals what a session computes for the same image and prompt at temperature 0; the capabilities say
 * vision; undecodable images, text-only models, mismatched encoders and unrequested URLs are 400s.
 */
class ServerImagesTest {

    static final String QUESTION = "What does this image show?";
    static final int TOKENS = 8;

    @TempDir
    static Path dir;
    static MedgemmaServer server;
    static String base;
    static byte[] png;
    static String expected;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Path model = FixtureModels.f32(FixtureModels.TINY);
        Path mmproj = MmprojFixtures.f16(MmprojFixtures.SMALL);
        // projects to 128-wide embeddings: not a pair with the 256-wide text model
        Path narrow = MmprojFixtures.f16(new MmprojFixtures.Spec("narrow", 64, 128, 1, 2, 128, 21));
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("vision", link("paired", model, mmproj));
        models.put("text", link("lone", model, null));
        models.put("mismatched", link("mismatched", model, narrow));
        BufferedImage img = new BufferedImage(211, 157, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, ((x * 255 / 210) << 16) | (((x / 13 + y / 11) % 2 == 0 ? 200 : 40) << 8) | (y * 255 / 156));
            }
        }
        Path image = dir.resolve("picture.png");
        ImageIO.write(img, "png", image.toFile());
        png = Files.readAllBytes(image);
        expected = sessionAnswer(model, mmproj, image);
        ServerConfig c = new ServerConfig("", "127.0.0.1", 0, 2, 1024, 32, 4, null, 8 << 20, false);
        server = MedgemmaServer.start(ModelLibrary.of(models), new MedgemmaServer.PoolOptions(2, Long.MAX_VALUE, null,
                Duration.ofMinutes(5), List.of(), null), c, null);
        base = "http://127.0.0.1:" + server.port();
    }

    private static Path link(String folder, Path model, Path mmproj) throws IOException {
        Path d = Files.createDirectories(dir.resolve(folder));
        if (mmproj != null) {
            Files.createSymbolicLink(d.resolve("mmproj-F16.gguf"), mmproj);
        }
        return Files.createSymbolicLink(d.resolve("model.gguf"), model);
    }

    /** The answer of a session for the image and the question, greedy, as run --image computes it. */
    private static String sessionAnswer(Path model, Path mmproj, Path image) throws Exception {
        try (LoadedModel m = LoadedModel.open(model, 2); VisionModel v = VisionModel.open(mmproj, m.pool());
             Session s = m.newSession(1024, KvCacheType.F16, 256)) {
            ImageTurns turns = new ImageTurns(m.tokenizer(), List.of(List.of(v.embed(image))), v.config().tokenCount());
            int[] prompt = m.template().encode(List.of(ChatMessage.user(QUESTION)), true, turns);
            return s.generate(prompt, turns.spans(), GenerationOptions.of(TOKENS, SamplingParams.greedy()), new TokenStream() {
                @Override
                public void onText(String text) {
                }
            }).text();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("unused").timeout(Duration.ofSeconds(120)).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams openAiParams(String model, String url) {
        return ChatCompletionCreateParams.builder().model(model).temperature(0.0).maxCompletionTokens(TOKENS)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(QUESTION).build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(url).build()).build())))
                .build();
    }

    @Test
    void openAiImageUrlWithADataUriAnswersAsTheSessionDoes() {
        String answer = openAi().chat().completions().create(openAiParams("vision", "data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png))).choices().getFirst().message().content().orElseThrow();
        assertThat(expected).as("the session's answer").isNotEmpty();
        assertThat(answer).isEqualTo(expected);
    }

    @Test
    void ollamaImagesThroughLangChain4jAnswerAsTheSessionDoes() {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(base).modelName("vision").temperature(0.0)
                .numPredict(TOKENS).timeout(Duration.ofSeconds(120)).build();
        String answer = model.chat(UserMessage.from(TextContent.from(QUESTION),
                ImageContent.from(Base64.getEncoder().encodeToString(png), "image/png"))).aiMessage().text();
        assertThat(answer).isEqualTo(expected);
    }

    @Test
    void ollamaGenerateTakesImagesToo() throws Exception {
        JsonNode r = post("/api/generate", Map.of("model", "vision", "prompt", QUESTION, "stream", false,
                "images", List.of(Base64.getEncoder().encodeToString(png)),
                "options", Map.of("temperature", 0, "num_predict", TOKENS)), 200);
        assertThat(r.path("response").asText()).isEqualTo(expected);
    }

    @Test
    void showAndModelsSayWhichModelsHaveVision() throws Exception {
        assertThat(post("/api/show", Map.of("model", "vision"), 200).path("capabilities").toString())
                .isEqualTo("[\"completion\",\"vision\"]");
        assertThat(post("/api/show", Map.of("model", "text"), 200).path("capabilities").toString()).isEqualTo("[\"completion\"]");
        JsonNode models = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode m : models.path("data")) {
            assertThat(m.path("capabilities").toString()).as(m.path("id").asText())
                    .isEqualTo(m.path("id").asText().equals("text") ? "[\"completion\"]" : "[\"completion\",\"vision\"]");
        }
    }

    @Test
    void badImagesAreClearBadRequests() throws Exception {
        String notAnImage = Base64.getEncoder().encodeToString("hello, not an image".getBytes());
        assertThat(chatError("vision", List.of(notAnImage))).contains("cannot decode image message 1 image 1");
        assertThat(chatError("vision", List.of("%%%"))).contains("not valid base64");
        assertThat(chatError("text", List.of(Base64.getEncoder().encodeToString(png))))
                .contains("this model cannot read images").contains("no image encoder");
        assertThat(chatError("mismatched", List.of(Base64.getEncoder().encodeToString(png))))
                .contains("projects to 128 wide embeddings but the text model is 256 wide");
        JsonNode url = post("/v1/chat/completions", Map.of("model", "vision", "messages", List.of(Map.of("role", "user", "content",
                List.of(Map.of("type", "image_url", "image_url", Map.of("url", "http://127.0.0.1:9/x.png")))))), 400);
        assertThat(url.toString()).contains("--allow-image-urls");
    }

    private static String chatError(String model, List<String> images) throws Exception {
        return post("/api/chat", Map.of("model", model, "stream", false, "messages",
                List.of(Map.of("role", "user", "content", QUESTION, "images", images))), 400).toString();
    }

    private static JsonNode post(String path, Object body, int status) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }
}
