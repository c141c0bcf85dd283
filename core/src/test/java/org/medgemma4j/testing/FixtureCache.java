package org.medgemma4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a cached fixture file safely when several test runs (other modules' forks, another checkout's
 * build) want it at once: under an exclusive lock on {@code FILE.lock}, into a temporary file beside it,
 * renamed into place when complete. A finished file is never rewritten; a run that waited for the lock
 * finds it done and uses it.
 */
public final class FixtureCache {

    /** What writes a fixture to the path it is given. */
    public interface Writer {
        void write(Path target) throws IOException;
    }

    private FixtureCache() {
    }

    /** {@code file}, written by {@code writer} first if no run has finished it yet. */
    public static Path produce(Path file, Writer writer) {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        try {
            Files.createDirectories(file.getParent());
            // One JVM may not lock the same file twice: callers serialise within the JVM (synchronized), the
            // file lock serialises between processes.
            synchronized (FixtureCache.class) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    if (Files.isRegularFile(file)) {
                        return file; // another run finished it while this one waited
                    }
                    Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".partial");
                    try {
                        writer.write(tmp);
                        try {
                            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                        } catch (AtomicMoveNotSupportedException e) {
                            Files.move(tmp, file);
                        }
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write fixture " + file + ": " + e.getMessage(), e);
        }
    }
}
