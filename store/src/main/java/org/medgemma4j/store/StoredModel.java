package org.medgemma4j.store;

import java.nio.file.Path;

/** A model file found in a store: how to refer to it, where it is, how big it is. */
public record StoredModel(String ref, Path path, long bytes, String source) {
}
