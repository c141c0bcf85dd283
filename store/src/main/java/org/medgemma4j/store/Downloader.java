package org.medgemma4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/**
 * Downloads one file into the store: into FILE.partial, resuming from its length with a Range
 * request, then SHA-256 checked and opened as GGUF before an atomic move to FILE. A corrupt download
 * is deleted; an interrupted one stays as .partial for the next pull to resume.
 */
public final class Downloader {

    private static final int BUFFER = 1 << 20;

    private final HfClient hf;
    private final DownloadProgress progress;

    public Downloader(HfClient hf, DownloadProgress progress) {
        this.hf = hf;
        this.progress = progress;
    }

    /** Fetches {@code f} (size and sha256 as published; sha null when none is) to {@code target}. */
    public void download(ModelRef.HfFile f, RepoFile info, Path target) throws IOException {
        Path partial = ModelStore.partialOf(target);
        Files.createDirectories(target.getParent());
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (info.size() >= 0 && have > info.size()) {
            Files.delete(partial);
            have = 0;
        }
        if (info.size() < 0 || have < info.size()) {
            checkSpace(target.getParent(), info.size() - have, f);
            fetch(f, info, partial, have);
        }
        verify(f, info, partial);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void fetch(ModelRef.HfFile f, RepoFile info, Path partial, long have) throws IOException {
        HttpResponse<InputStream> r = hf.download(f, have);
        if (r.statusCode() == 416 || have > 0 && r.statusCode() == 200
                || r.statusCode() == 206 && HfClient.contentRangeStart(r).orElse(-1L) != have) {
            r.body().close(); // the server will not continue where we stopped: start again
            Files.deleteIfExists(partial);
            if (have == 0) {
                throw new StoreException(f + ": the server refused the download (HTTP " + r.statusCode() + ")");
            }
            fetch(f, info, partial, 0);
            return;
        }
        long done = have;
        progress.start(f.file(), info.size(), have);
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = read(in, buf, f, done, info.size())) > 0; ) {
                write(out, buf, n, partial);
                done += n;
                progress.advance(n);
            }
        } finally {
            progress.close();
        }
        if (info.size() >= 0 && done != info.size()) {
            throw interrupted(f, done, info.size(), "the connection closed early");
        }
    }

    private static int read(InputStream in, byte[] buf, ModelRef.HfFile f, long done, long size) throws StoreException {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw interrupted(f, done, size, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static void write(OutputStream out, byte[] buf, int n, Path partial) throws StoreException {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            throw new StoreException((msg.contains("No space left") || msg.contains("not enough space") ? "disk full" : "cannot write")
                    + " while writing " + partial + " (" + msg + "); free space and run the same pull again to resume", e);
        }
    }

    private static StoreException interrupted(ModelRef.HfFile f, long done, long size, String why) {
        return new StoreException("download of " + f + " interrupted after " + done + (size >= 0 ? " of " + size : "")
                + " bytes (" + why + "); run the same pull again to resume");
    }

    private static void checkSpace(Path dir, long needed, ModelRef.HfFile f) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (needed > free) {
            throw new StoreException("not enough disk space for " + f + ": " + needed + " bytes still to download, "
                    + free + " free in " + dir + " (set MEDGEMMA_HOME to a larger disk)");
        }
    }

    /** SHA-256 against the published one, then a GGUF parse; a failing file is deleted. */
    private static void verify(ModelRef.HfFile f, RepoFile info, Path partial) throws IOException {
        if (info.sha256() != null) {
            String got = sha256(partial);
            if (!got.equals(info.sha256())) {
                Files.deleteIfExists(partial);
                throw new StoreException("SHA-256 mismatch for " + f + ": expected " + info.sha256() + ", got " + got
                        + "; the download was corrupt and has been deleted; run pull again");
            }
        }
        try {
            checkGguf(partial, f.file());
        } catch (GgufException e) {
            Files.deleteIfExists(partial);
            throw new StoreException(f + " was downloaded but is not a usable GGUF file (" + e.getMessage()
                    + "); it has been deleted");
        }
    }

    // One part of a split model cannot be opened alone (its split.count names the others): check its magic.
    private static void checkGguf(Path file, String name) throws IOException {
        if (name.matches(".*-\\d{5}-of-\\d{5}\\.gguf")) {
            byte[] magic = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(magic, 0, 4) != 4 || !new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
                    throw new GgufException(file, "not a GGUF file (no GGUF magic at the start)");
                }
            }
            return;
        }
        GgufFile.open(file).close(); // parses the header and checks every tensor lies within the file
    }

    static String sha256(Path file) throws IOException {
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
