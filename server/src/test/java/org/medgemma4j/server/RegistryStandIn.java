package org.medgemma4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A local stand-in for the Hugging Face Hub with one repository holding one GGUF file: the tree API (with the
 * LFS SHA-256, as the Hub publishes it) and the resolve endpoint serving the file, which is what the store's
 * Puller reads.
 */
final class RegistryStandIn implements AutoCloseable {

    final String org;
    final String repo;
    final String fileName;
    final Path file;
    final String sha256;
    private final HttpServer server;

    RegistryStandIn(String org, String repo, String fileName, Path file) throws Exception {
        this.org = org;
        this.repo = repo;
        this.fileName = fileName;
        this.file = file;
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        this.sha256 = HexFormat.of().formatHex(md.digest());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (path.equals("/api/models/" + org + "/" + repo + "/tree/main")) {
                long size = Files.size(file);
                send(x, 200, "[{\"type\":\"file\",\"oid\":\"aa\",\"size\":12,\"path\":\"README.md\"},"
                        + "{\"type\":\"file\",\"oid\":\"0123456789abcdef0123456789abcdef01234567\",\"size\":" + size
                        + ",\"path\":\"" + fileName + "\",\"lfs\":{\"oid\":\"" + sha256 + "\",\"size\":" + size
                        + ",\"pointerSize\":134}}]");
            } else if (path.equals("/" + org + "/" + repo + "/resolve/main/" + fileName) && x.getRequestMethod().equals("GET")) {
                x.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = x.getResponseBody()) {
                    Files.copy(file, out);
                }
            } else {
                send(x, 404, "{\"error\":\"Repository not found\"}");
            }
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
