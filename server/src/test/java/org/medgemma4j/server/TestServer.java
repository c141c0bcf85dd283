package org.medgemma4j.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;

/** A server on the tiny fixture model at 127.0.0.1 on a free port, with a plain HTTP client. */
final class TestServer implements AutoCloseable {

    static final String MODEL = "medgemma-tiny";

    final LoadedModel model;
    final MedgemmaServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(int parallel, int queue, String apiKey) throws IOException {
        this.model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
        ServerConfig c = new ServerConfig(MODEL, "127.0.0.1", 0, parallel, 512, 32, queue, apiKey, 64 * 1024, false);
        this.server = MedgemmaServer.start(model, c);
        this.base = "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        model.close();
    }
}
