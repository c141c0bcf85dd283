package org.medgemma4j.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for a plain file server (a data set's public host or a mirror): GET of a path,
 * whole (200) or from a Range (206), as GitHub's raw host and any static server answer. Faults on
 * demand: close the connection mid-body once, flip the last byte of every answer.
 */
public final class FileServerStandIn implements AutoCloseable {

    private final HttpServer server;
    /** Path without the leading slash ("pubmedqa/LICENSE") -> bytes. */
    public final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Every path asked for, in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public final List<String> ranges = new CopyOnWriteArrayList<>();
    /** When set, the next answer stops after this many body bytes. */
    public volatile long cutAfter = -1;
    public volatile boolean corrupt;

    public FileServerStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath().substring(1);
            requests.add(path);
            byte[] b = files.get(path);
            if (b == null) {
                byte[] msg = "404: Not Found".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(404, msg.length);
                x.getResponseBody().write(msg);
                return;
            }
            if (serve(x, b, corrupt, cutAfter, ranges)) {
                cutAfter = -1;
            }
        }
    }

    /**
     * Answers with {@code b}, or the part a Range header asks for (recorded in {@code ranges}); the last
     * byte flipped when {@code corrupt}; the body cut after {@code cutAfter} bytes when that is set
     * (returns true then: closing short of Content-Length drops the connection mid-body). The pause
     * before the drop lets the client take most of what was sent; how much it keeps is still up to its
     * HTTP stack (java.net.http discards buffers still queued when the error arrives), so tests check
     * that the download resumes from exactly what was saved, not from the cut.
     */
    static boolean serve(HttpExchange x, byte[] b, boolean corrupt, long cutAfter, List<String> ranges) throws IOException {
        if (corrupt) {
            b = b.clone();
            b[b.length - 1] ^= 1;
        }
        String range = x.getRequestHeaders().getFirst("Range");
        int from = 0;
        int to = b.length - 1;
        if (range != null) {
            ranges.add(range);
            String[] r = range.substring("bytes=".length()).split("-", -1);
            from = Integer.parseInt(r[0]);
            to = r[1].isEmpty() ? b.length - 1 : Math.min(b.length - 1, Integer.parseInt(r[1]));
            x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + b.length);
        }
        x.getResponseHeaders().add("Accept-Ranges", "bytes");
        int len = to - from + 1;
        x.sendResponseHeaders(range != null ? 206 : 200, len);
        OutputStream out = x.getResponseBody();
        if (cutAfter >= 0 && cutAfter < len) {
            out.write(b, from, (int) cutAfter);
            out.flush();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }
        out.write(b, from, len);
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
