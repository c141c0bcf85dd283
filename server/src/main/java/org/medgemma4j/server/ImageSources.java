package org.medgemma4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.medgemma4j.vision.ImageDecoder;
import org.medgemma4j.vision.RgbImage;

/**
 * Images as clients send them: base64 (Ollama's {@code images}), data URIs (OpenAI's {@code image_url}), and
 * http(s) URLs only when the server was started with {@code --allow-image-urls} (a server fetching what a
 * client names is a risk on a network), within a size limit. Anything undecodable is a 400 saying which image.
 */
final class ImageSources {

    private final long urlLimit;
    private final HttpClient http;

    /** @param urlLimit the largest image fetched from a URL, in bytes; 0 refuses URLs */
    ImageSources(long urlLimit) {
        this.urlLimit = urlLimit;
        this.http = urlLimit > 0 ? HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build() : null;
    }

    /** Ollama's images: plain base64 (a data URI is taken too). */
    RgbImage base64(String data, String what) {
        if (data.startsWith("data:")) {
            return dataUri(data, what);
        }
        return decode(bytes(data, what), what);
    }

    /** OpenAI's image_url: a data URI, or an http(s) URL when allowed. */
    RgbImage url(String url, String what) throws IOException {
        if (url.startsWith("data:")) {
            return dataUri(url, what);
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw ApiException.badRequest(what + " must be a data URI (data:image/png;base64,...) or an http(s) URL");
        }
        if (urlLimit <= 0) {
            throw ApiException.badRequest(what + " is a URL; this server takes images as data URIs only "
                    + "(it fetches URLs when started with --allow-image-urls)");
        }
        return decode(fetch(url, what), what);
    }

    private RgbImage dataUri(String uri, String what) {
        int comma = uri.indexOf(',');
        if (comma < 0 || !uri.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
            throw ApiException.badRequest(what + " is not a base64 data URI (data:image/png;base64,...)");
        }
        return decode(bytes(uri.substring(comma + 1), what), what);
    }

    private static byte[] bytes(String base64, String what) {
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(what + " is not valid base64: " + e.getMessage());
        }
    }

    private static RgbImage decode(byte[] bytes, String what) {
        try {
            return ImageDecoder.decode(bytes, what);
        } catch (IOException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private byte[] fetch(String url, String what) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(what + " is not a valid URL: " + e.getMessage());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + what, e);
        } catch (IOException e) {
            throw ApiException.badRequest(what + " could not be fetched: " + e.getMessage());
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw ApiException.badRequest(what + " could not be fetched: HTTP " + response.statusCode());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > urlLimit) {
                    throw ApiException.badRequest(what + " is larger than the " + urlLimit + " bytes this server fetches");
                }
            }
            return out.toByteArray();
        }
    }
}
