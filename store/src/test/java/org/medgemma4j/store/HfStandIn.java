package org.medgemma4j.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for Hugging Face: the tree API, and the resolve endpoint answering with a 302 to
 * a CDN path plus X-Linked-Etag/X-Linked-Size (the SHA-256 and size, as HF does for LFS files); the
 * CDN serves Range requests with 206. Faults on demand: close the connection mid-body once, serve a
 * corrupted byte, require a token (401).
 */
final class HfStandIn implements AutoCloseable {

    final HttpServer server;
    final Map<String, byte[]> files = new ConcurrentHashMap<>(); // "org/repo/path" -> bytes
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    volatile long cutAfter = -1;
    volatile boolean corrupt;
    volatile String requiredToken;

    HfStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            auth.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            if (requiredToken != null && !("Bearer " + requiredToken).equals(x.getRequestHeaders().getFirst("Authorization"))
                    && !path.startsWith("/cdn/")) {
                send(x, 401, "{\"error\":\"Access to model is restricted. You must be authenticated.\"}");
                return;
            }
            if (path.startsWith("/api/models/")) {
                tree(x, path.substring("/api/models/".length()).replace("/tree/main", ""));
            } else if (path.contains("/resolve/main/")) {
                String key = path.substring(1).replace("/resolve/main/", "/");
                byte[] b = files.get(key);
                if (b == null) {
                    send(x, 404, "Entry not found");
                    return;
                }
                x.getResponseHeaders().add("Location", "/cdn/" + key);
                x.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(b) + "\"");
                x.getResponseHeaders().add("X-Linked-Size", Long.toString(b.length));
                x.getResponseHeaders().add("ETag", "W/\"0123456789abcdef0123456789abcdef01234567\"");
                x.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/cdn/")) {
                cdn(x, files.get(path.substring(5)));
            } else {
                send(x, 404, "not found");
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void tree(HttpExchange x, String repo) throws Exception {
        StringBuilder json = new StringBuilder("[{\"type\":\"file\",\"oid\":\"aa\",\"size\":1519,\"path\":\"README.md\"}");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (e.getKey().startsWith(repo + "/")) {
                json.append(",{\"type\":\"file\",\"oid\":\"0123456789abcdef0123456789abcdef01234567\",\"size\":")
                        .append(e.getValue().length).append(",\"path\":\"").append(e.getKey().substring(repo.length() + 1))
                        .append("\",\"lfs\":{\"oid\":\"").append(sha256(e.getValue())).append("\",\"size\":")
                        .append(e.getValue().length).append(",\"pointerSize\":134}}");
            }
        }
        if (json.length() < 80 && files.keySet().stream().noneMatch(k -> k.startsWith(repo + "/"))) {
            send(x, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        send(x, 200, json.append("]").toString());
    }

    private void cdn(HttpExchange x, byte[] b) throws IOException {
        if (b == null) {
            send(x, 404, "no such object");
            return;
        }
        if (FileServerStandIn.serve(x, b, corrupt, cutAfter, ranges)) {
            cutAfter = -1;
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
