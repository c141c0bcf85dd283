package org.medgemma4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A file at a plain HTTP(S) address, redirects followed: the source of the data sets and of their mirrors. */
public final class UrlSource implements ByteSource {

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30)).build();

    private final URI uri;

    public UrlSource(URI uri) {
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("not an http(s) address: " + uri);
        }
        this.uri = uri;
    }

    public URI uri() {
        return uri;
    }

    @Override
    public HttpResponse<InputStream> open(long from) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", "medgemma4j/0.1").GET();
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> r;
        try {
            r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while fetching " + uri);
        } catch (IOException e) {
            throw new StoreException("network error fetching " + uri + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (check the connection)", e);
        }
        int s = r.statusCode();
        if (s != 200 && s != 206 && s != 416) {
            r.body().close();
            throw new StoreException(uri + ": " + (s == 404 ? "not found (HTTP 404)" : "the server answered HTTP " + s));
        }
        return r;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
