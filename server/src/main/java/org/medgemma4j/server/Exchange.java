package org.medgemma4j.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** One HTTP request and its response, read and written with blocking I/O on the request's thread. */
final class Exchange {

    private final Request request;
    private final Response response;
    private final long received = System.nanoTime();
    private OutputStream out;
    private int status = 200;

    Exchange(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return request.getHttpURI().getPath();
    }

    String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    /** Watches for the client hanging up before the answer is sent; see {@link HangUpWatch}. */
    HangUpWatch watchHangUp(Runnable onHangUp) {
        return HangUpWatch.start(request, onHangUp);
    }

    /** When the request arrived, for Ollama's total_duration. */
    long receivedNanos() {
        return received;
    }

    int status() {
        return status;
    }

    boolean committed() {
        return out != null;
    }

    /** Bytes of an oversized body read and dropped before answering 413; past this the connection just closes. */
    private static final long DRAIN_LIMIT = 16L << 20;

    /**
     * The request body, refused with 413 past {@code limit} bytes. The rest of an oversized body is read
     * and dropped first (up to a bound): answering while the client is still sending makes it see a reset
     * instead of the 413.
     */
    byte[] body(int limit) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                byte[] sink = new byte[8192];
                long drained = 0;
                for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                throw new ApiException(413, "the request body is larger than the limit of " + limit + " bytes", null);
            }
            return bytes;
        }
    }

    /** Sends a whole response. */
    void send(int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        start(status, contentType).write(bytes);
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Starts a streamed response; every {@link #chunk} goes out at once. */
    void startStream(String contentType) throws IOException {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        start(200, contentType);
    }

    /** Writes a piece of a streamed response; an IOException means the client has gone. */
    void chunk(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private OutputStream start(int status, String contentType) {
        this.status = status;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        out = Content.Sink.asOutputStream(response);
        return out;
    }

    /** Completes the response. */
    void finish() throws IOException {
        if (out == null) {
            send(204, "text/plain", "");
        }
        out.close();
    }
}
