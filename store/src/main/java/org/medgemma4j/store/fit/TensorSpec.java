package org.medgemma4j.store.fit;

import org.medgemma4j.tensor.GgmlType;

/** A weight tensor as far as planning cares: name, type, element count, rank. */
public record TensorSpec(String name, GgmlType type, long elements, int rank) {

    public long bytes() {
        return type.bytesFor(elements);
    }

    /** The layer index of a blk.N.* tensor, -1 for the others (embeddings, output norm). */
    public int layer() {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        return dot < 0 ? -1 : Integer.parseInt(name.substring(4, dot));
    }
}
