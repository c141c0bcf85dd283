package org.medgemma4j.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;

/**
 * Not a test: the server's aggregate decode throughput with 1 and with 4 concurrent streams, for
 * docs/server.md. Prompt evaluation is left out: the window runs from the moment every stream has its
 * first token to the moment the first stream ends, and counts the tokens all streams receive in it.
 * Arguments: [model.gguf] [tokens per stream] [threads]; the tiny fixture by default.
 */
public final class DecodeBenchmark {

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : FixtureModels.f32(FixtureModels.TINY);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        try (LoadedModel model = LoadedModel.open(file, threads);
             MedgemmaServer server = MedgemmaServer.start(model,
                     new ServerConfig("bench", "127.0.0.1", 0, 4, 1024, 64, 8, null, 1 << 20, false))) {
            String url = "http://127.0.0.1:" + server.port() + "/api/generate";
            run(url, 1, Math.min(tokens, 16)); // warm-up
            double one = run(url, 1, tokens);
            double four = run(url, 4, tokens);
            System.out.printf("%s, %d threads, %d tokens per stream: 1 stream %.2f tok/s, 4 streams %.2f tok/s aggregate (%.2fx)%n",
                    file.getFileName(), threads, tokens, one, four, four / one);
        }
    }

    /** Runs {@code streams} generations at once; returns the tokens per second all of them decode together. */
    private static double run(String url, int streams, int tokens) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ExecutorService pool = Executors.newFixedThreadPool(streams)) {
            List<Future<long[]>> arrivals = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                // seeded sampling with a high temperature keeps every stream going to its token limit
                String body = """
                        {"model":"bench","prompt":"Case %d: a 54-year-old presents with","raw":true,
                         "options":{"temperature":1.5,"seed":%d,"num_predict":%d}}""".formatted(i, i, tokens);
                arrivals.add(pool.submit(() -> arrivalTimes(http, url, body, tokens)));
            }
            List<long[]> times = new ArrayList<>();
            for (Future<long[]> f : arrivals) {
                times.add(f.get());
            }
            long start = times.stream().mapToLong(t -> t[0]).max().orElseThrow();
            long end = times.stream().mapToLong(t -> t[t.length - 1]).min().orElseThrow();
            long counted = 0;
            for (long[] t : times) {
                for (long at : t) {
                    if (at > start && at <= end) {
                        counted++;
                    }
                }
            }
            return counted * 1e9 / (end - start);
        }
    }

    /** When each streamed piece of the answer arrived. */
    private static long[] arrivalTimes(HttpClient http, String url, String body, int tokens) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long[] times = new long[tokens + 1];
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"done\":true") && n < times.length) {
                times[n++] = System.nanoTime();
            }
        }
        return java.util.Arrays.copyOf(times, n);
    }
}
