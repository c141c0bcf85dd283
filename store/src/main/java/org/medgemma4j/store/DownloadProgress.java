package org.medgemma4j.store;

/** Where a download reports its progress; NONE for tests and non-terminal output. */
public interface DownloadProgress extends AutoCloseable {

    DownloadProgress NONE = new DownloadProgress() {
        @Override
        public void start(String name, long total, long done) {
        }

        @Override
        public void advance(long bytes) {
        }

        @Override
        public void close() {
        }
    };

    /** The SHA-256 the file must have (hex), told before {@link #start} when the source publishes one. */
    default void expect(String sha256) {
    }

    /** A transfer of {@code total} bytes (-1 if unknown) begins, {@code done} of them already on disk. */
    void start(String name, long total, long done);

    void advance(long bytes);

    @Override
    void close();
}
