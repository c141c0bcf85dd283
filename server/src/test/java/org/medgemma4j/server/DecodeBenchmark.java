package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;

/**
 * Not a test: aggregate decode throughput of the server with 1 and with 4 concurrent streams, for
 * docs/server.md. Arguments: [model.gguf] [tokens per stream] [threads]; the tiny fixture by default.
 */
public final class DecodeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : FixtureModels.f32(FixtureModels.TINY);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        try (LoadedModel model = LoadedModel.open(file, threads);
             MedgemmaServer server = MedgemmaServer.start(model,
                     new ServerConfig("bench", "127.0.0.1", 0, 4, 1024, 64, 8, null, 1 << 20, false))) {
            String url = "http://127.0.0.1:" + server.port() + "/api/generate";
            run(url, 1, tokens); // warm-up
            double one = run(url, 1, tokens);
            double four = run(url, 4, tokens);
            System.out.printf("%s, %d threads: 1 stream %.1f tok/s, 4 streams %.1f tok/s aggregate (%.2fx)%n",
                    file.getFileName(), threads, one, four, four / one);
        }
    }

    /** Runs {@code streams} generations at once; returns generated tokens per second of wall time. */
    private static double run(String url, int streams, int tokens) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ExecutorService pool = Executors.newFixedThreadPool(streams)) {
            long t0 = System.nanoTime();
            List<Future<Integer>> counts = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                String body = """
                        {"model":"bench","prompt":"Case %d: a 54-year-old presents with","raw":true,"stream":false,
                         "options":{"temperature":0.7,"seed":%d,"num_predict":%d}}""".formatted(i, i, tokens);
                counts.add(pool.submit(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    JsonNode n = JSON.readTree(r.body());
                    return n.get("eval_count").asInt();
                }));
            }
            long generated = 0;
            for (Future<Integer> c : counts) {
                generated += c.get();
            }
            return generated * 1e9 / (System.nanoTime() - t0);
        }
    }
}
