package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;

/** A browser page on localhost may call the server; a page on another site may not, unless configured. */
class CorsTest {

    private static LoadedModel model;
    private static MedgemmaServer plain;
    private static MedgemmaServer configured;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 1);
        plain = MedgemmaServer.start(model, new ServerConfig("m", "127.0.0.1", 0, 1, 64, 16, 2, null, 64 * 1024, false));
        configured = MedgemmaServer.start(model, new ServerConfig("m", "127.0.0.1", 0, 1, 64, 16, 2, null, 64 * 1024, false,
                Origins.withDefaults(List.of("https://*.example.org"))));
    }

    @AfterAll
    static void stop() {
        plain.close();
        configured.close();
        model.close();
    }

    private static HttpResponse<String> preflight(MedgemmaServer s, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/chat"))
                .timeout(Duration.ofSeconds(30)).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(MedgemmaServer s, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/tags"))
                .timeout(Duration.ofSeconds(30)).header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLocalhostPageIsAllowed() throws Exception {
        HttpResponse<String> pre = preflight(plain, "http://localhost:3000");
        assertThat(pre.statusCode()).isBetween(200, 204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:3000");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("content-type");

        HttpResponse<String> tags = get(plain, "http://127.0.0.1:8080");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.headers().firstValue("Access-Control-Allow-Origin")).contains("http://127.0.0.1:8080");
    }

    @Test
    void aForeignPageIsRefusedUnlessConfigured() throws Exception {
        HttpResponse<String> pre = preflight(plain, "https://app.example.org");
        assertThat(pre.statusCode()).isEqualTo(403);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> tags = get(plain, "https://app.example.org");
        assertThat(tags.statusCode()).isEqualTo(403);
        assertThat(tags.body()).contains("--origins");

        HttpResponse<String> allowed = preflight(configured, "https://app.example.org");
        assertThat(allowed.statusCode()).isBetween(200, 204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.org");
        assertThat(get(configured, "https://evil.example.com").statusCode()).isEqualTo(403);
    }

    @Test
    void clientsWithoutAnOriginAreUnaffected() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.port() + "/api/tags")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
