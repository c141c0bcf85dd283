package org.medgemma4j.privacy.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a model file, computed once and kept in a small cache beside the model store
 * ({@code HOME/sha256-cache.json}) under the file's absolute path, size and modification time: a 16 GB
 * file is read once, and a changed file is read again.
 */
public final class ModelFingerprint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFingerprint() {
    }

    public static synchronized String sha256(Path model, Path cacheDir) throws IOException {
        Path abs = model.toAbsolutePath().normalize();
        long size = Files.size(abs);
        long mtime = Files.getLastModifiedTime(abs).toMillis();
        Path cacheFile = cacheDir.resolve("sha256-cache.json");
        ObjectNode cache = Files.isRegularFile(cacheFile) ? readCache(cacheFile) : JSON.createObjectNode();
        var entry = cache.get(abs.toString());
        if (entry != null && entry.path("size").asLong(-1) == size && entry.path("mtime").asLong(-1) == mtime
                && entry.path("sha256").asText("").length() == 64) {
            return entry.get("sha256").asText();
        }
        String sha = hash(abs);
        cache.putObject(abs.toString()).put("size", size).put("mtime", mtime).put("sha256", sha);
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, "sha256-cache", ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), cache);
        Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return sha;
    }

    // A damaged cache is rebuilt rather than trusted.
    private static ObjectNode readCache(Path cacheFile) {
        try {
            return JSON.readTree(cacheFile.toFile()) instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static String hash(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The SHA-256 of a text's UTF-8 bytes, as the audit log records prompts and answers. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
