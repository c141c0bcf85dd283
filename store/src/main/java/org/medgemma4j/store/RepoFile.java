package org.medgemma4j.store;

/** A file of a Hugging Face repository: its path, size and the SHA-256 published for it (null if none). */
public record RepoFile(String path, long size, String sha256) {
}
