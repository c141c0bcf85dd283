package org.medgemma4j.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of the Hugging Face Hub that pulling needs, over the JDK's HttpClient: the repository
 * tree API and the resolve endpoint (which redirects LFS files to a CDN and publishes their SHA-256
 * as X-Linked-Etag). The endpoint is $HF_ENDPOINT or https://huggingface.co, the token $HF_TOKEN.
 */
public final class HfClient {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String endpoint;
    private final String token;
    private final HttpClient follow;
    private final HttpClient noFollow;

    public HfClient(String endpoint, String token) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.follow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        this.noFollow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    public static HfClient fromEnvironment() {
        String ep = System.getenv("HF_ENDPOINT");
        return new HfClient(ep == null || ep.isBlank() ? DEFAULT_ENDPOINT : ep, System.getenv("HF_TOKEN"));
    }

    public String endpoint() {
        return endpoint;
    }

    /** Every file of the repository's main branch (GET /api/models/ORG/REPO/tree/main?recursive=true). */
    public List<RepoFile> listFiles(String org, String repo) throws IOException {
        URI uri = URI.create(endpoint + "/api/models/" + org + "/" + repo + "/tree/main?recursive=true");
        HttpResponse<String> r = send(follow, request(uri).GET().build(), HttpResponse.BodyHandlers.ofString(), org + "/" + repo);
        check(r.statusCode(), org, repo, org + "/" + repo);
        List<RepoFile> out = new ArrayList<>();
        JsonNode tree;
        try {
            tree = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new StoreException(uri + " did not answer with a file list: " + e.getMessage());
        }
        for (JsonNode f : tree) {
            if ("file".equals(f.path("type").asText())) {
                JsonNode lfs = f.path("lfs");
                out.add(new RepoFile(f.path("path").asText(), lfs.path("size").asLong(f.path("size").asLong()),
                        sha256(lfs.path("oid").asText(null))));
            }
        }
        return out;
    }

    /** Size and SHA-256 of one file from the resolve endpoint's headers (HEAD, redirect not followed). */
    public RepoFile head(ModelRef.HfFile f) throws IOException {
        HttpResponse<Void> r = send(noFollow, request(resolveUri(f)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), f.toString());
        int s = r.statusCode();
        if (s / 100 != 3) {
            check(s, f.org(), f.repo(), f.toString());
        }
        String sha = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag")).map(HfClient::sha256).orElse(null);
        long size = r.headers().firstValueAsLong("X-Linked-Size")
                .orElse(s / 100 == 3 ? -1 : r.headers().firstValueAsLong("Content-Length").orElse(-1));
        return new RepoFile(f.file(), size, sha);
    }

    /** GET of the file from byte {@code from} on (a Range request when from > 0), redirects followed. */
    public HttpResponse<InputStream> download(ModelRef.HfFile f, long from) throws IOException {
        HttpRequest.Builder b = request(resolveUri(f)).GET();
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> r = send(follow, b.build(), HttpResponse.BodyHandlers.ofInputStream(), f.toString());
        int s = r.statusCode();
        if (s != 200 && s != 206 && s != 416) {
            r.body().close();
            check(s, f.org(), f.repo(), f.toString());
        }
        return r;
    }

    /** The file as a {@link Downloader} source: {@link #download} from a byte offset. */
    public ByteSource source(ModelRef.HfFile f) {
        return from -> download(f, from);
    }

    /** Bytes [from, to] of a file, for reading a header without downloading the file. */
    public HttpResponse<byte[]> range(ModelRef.HfFile f, long from, long to) throws IOException {
        HttpRequest req = request(resolveUri(f)).GET().header("Range", "bytes=" + from + "-" + to).build();
        HttpResponse<byte[]> r = send(follow, req, HttpResponse.BodyHandlers.ofByteArray(), f.toString());
        if (r.statusCode() != 200 && r.statusCode() != 206) {
            check(r.statusCode(), f.org(), f.repo(), f.toString());
        }
        return r;
    }

    URI resolveUri(ModelRef.HfFile f) {
        StringBuilder path = new StringBuilder();
        for (String seg : f.file().split("/")) {
            path.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(endpoint + "/" + f.org() + "/" + f.repo() + "/resolve/main" + path);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", "medgemma4j/0.1");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpClient c, HttpRequest req, HttpResponse.BodyHandler<T> h, String what) throws IOException {
        try {
            return c.send(req, h);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while fetching " + what);
        } catch (IOException e) {
            throw new StoreException("network error fetching " + what + " from " + endpoint + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + " (check the connection; HF_ENDPOINT overrides the server)", e);
        }
    }

    /** A failed status as advice: MedGemma is gated, so 401/403 explain the terms and the token. */
    private void check(int status, String org, String repo, String what) throws StoreException {
        if (status / 100 == 2) {
            return;
        }
        String page = DEFAULT_ENDPOINT + "/" + org + "/" + repo;
        if (status == 401 || status == 403) {
            throw new StoreException(what + ": access denied (HTTP " + status + "). MedGemma models are gated: accept "
                    + "the Health AI Developer Foundations terms on the model page (" + page + ") while logged in, "
                    + "then create a read token at " + DEFAULT_ENDPOINT + "/settings/tokens and set HF_TOKEN"
                    + (token == null ? " (HF_TOKEN is not set)" : " (the HF_TOKEN given was refused)") + ".");
        }
        if (status == 404) {
            throw new StoreException(what + ": not found on " + endpoint + " (HTTP 404); check the organisation, "
                    + "repository and file names (" + page + ")");
        }
        throw new StoreException(what + ": " + endpoint + " answered HTTP " + status);
    }

    /** The SHA-256 in an ETag or LFS oid ("\"hex\"", W/"hex"), or null when it is not one (a git SHA-1). */
    static String sha256(String etag) {
        if (etag == null) {
            return null;
        }
        String s = etag.replaceFirst("^W/", "").replace("\"", "").strip().toLowerCase(Locale.ROOT);
        return s.matches("[0-9a-f]{64}") ? s : null;
    }
}
