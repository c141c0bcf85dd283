package org.medgemma4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Downloads one file, whatever serves it (Hugging Face for {@code pull}, a plain URL for
 * {@code data fetch}): into FILE.partial, resuming from its length with a Range request, then
 * SHA-256 checked and passed through the caller's {@link ContentCheck} before an atomic move to FILE,
 * so a file under its final name is always whole and checked. A corrupt download is deleted; an
 * interrupted one stays as .partial for the next run to resume.
 */
public final class Downloader {

    /** A check a downloaded file must pass before it takes its final name; a failing file is deleted. */
    @FunctionalInterface
    public interface ContentCheck {

        ContentCheck NONE = (file, name) -> {
        };

        /** Throws, with a message that completes "NAME was downloaded but ...", when the file is unusable. */
        void check(Path file, String name) throws IOException;
    }

    private static final int BUFFER = 1 << 20;

    private final DownloadProgress progress;
    private final ContentCheck check;

    public Downloader(DownloadProgress progress, ContentCheck check) {
        this.progress = progress;
        this.check = check;
    }

    /**
     * Fetches {@code what} from {@code source} to {@code target}; {@code size} is -1 and {@code sha256}
     * null when the source publishes none.
     */
    public void download(String what, ByteSource source, long size, String sha256, Path target) throws IOException {
        Path partial = ModelStore.partialOf(target);
        Files.createDirectories(target.getParent());
        if (sha256 != null) {
            progress.expect(sha256);
        }
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (size >= 0 && have > size) {
            Files.delete(partial);
            have = 0;
        }
        if (size < 0 || have < size) {
            checkSpace(target.getParent(), size - have, what);
            fetch(what, source, size, partial, target.getFileName().toString(), have);
        }
        verify(what, sha256, partial, target.getFileName().toString());
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void fetch(String what, ByteSource source, long size, Path partial, String name, long have) throws IOException {
        HttpResponse<InputStream> r = source.open(have);
        if (r.statusCode() == 416 || have > 0 && r.statusCode() == 200
                || r.statusCode() == 206 && contentRangeStart(r).orElse(-1L) != have) {
            r.body().close(); // the server will not continue where we stopped: start again
            Files.deleteIfExists(partial);
            if (have == 0) {
                throw new StoreException(what + ": the server refused the download (HTTP " + r.statusCode() + ")");
            }
            fetch(what, source, size, partial, name, 0);
            return;
        }
        long done = have;
        progress.start(name, size, have);
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = read(in, buf, what, done, size)) > 0; ) {
                write(out, buf, n, partial);
                done += n;
                progress.advance(n);
            }
        } finally {
            progress.close();
        }
        if (size >= 0 && done != size) {
            throw interrupted(what, done, size, "the connection closed early");
        }
    }

    private static int read(InputStream in, byte[] buf, String what, long done, long size) throws StoreException {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw interrupted(what, done, size, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static void write(OutputStream out, byte[] buf, int n, Path partial) throws StoreException {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            throw new StoreException((msg.contains("No space left") || msg.contains("not enough space") ? "disk full" : "cannot write")
                    + " while writing " + partial + " (" + msg + "); free space and run the same command again to resume", e);
        }
    }

    private static StoreException interrupted(String what, long done, long size, String why) {
        return new StoreException("download of " + what + " interrupted after " + done + (size >= 0 ? " of " + size : "")
                + " bytes (" + why + "); run the same command again to resume");
    }

    private static void checkSpace(Path dir, long needed, String what) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (needed > free) {
            throw new StoreException("not enough disk space for " + what + ": " + needed + " bytes still to download, "
                    + free + " free in " + dir + " (set MEDGEMMA_HOME to a larger disk)");
        }
    }

    /** SHA-256 against the published one, then the content check; a failing file is deleted. */
    private void verify(String what, String sha256, Path partial, String name) throws IOException {
        if (sha256 != null) {
            String got = sha256(partial);
            if (!got.equals(sha256)) {
                Files.deleteIfExists(partial);
                throw new StoreException("SHA-256 mismatch for " + what + ": expected " + sha256 + ", got " + got
                        + "; the download was corrupt and has been deleted; run the same command again");
            }
        }
        try {
            check.check(partial, name);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw new StoreException(what + " was downloaded but " + e.getMessage() + "; it has been deleted", e);
        }
    }

    /** Where a 206 answer starts, from its Content-Range header. */
    static Optional<Long> contentRangeStart(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Range")
                .filter(v -> v.matches("bytes \\d+-\\d+/(\\d+|\\*)"))
                .map(v -> Long.parseLong(v.substring(6, v.indexOf('-'))));
    }

    /** The SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        try (FileChannel ch = FileChannel.open(file);
             InputStream in = new DigestInputStream(Channels.newInputStream(ch), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
