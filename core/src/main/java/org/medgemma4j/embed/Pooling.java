package org.medgemma4j.embed;

import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;

/**
 * How an embedding model turns its per-token rows into one vector: llama.cpp's pooling types
 * ({@code <arch>.pooling_type}: 1 mean, 2 cls = first token, 3 last token). EmbeddingGemma uses mean.
 */
public enum Pooling {
    MEAN(1), CLS(2), LAST(3);

    private final int ggufValue;

    Pooling(int ggufValue) {
        this.ggufValue = ggufValue;
    }

    public int ggufValue() {
        return ggufValue;
    }

    /** The pooling a file declares; a file without the key gets mean (EmbeddingGemma's own). */
    static Pooling of(Path file, Integer declared) throws GgufException {
        if (declared == null) {
            return MEAN;
        }
        for (Pooling p : values()) {
            if (p.ggufValue == declared) {
                return p;
            }
        }
        throw new GgufException(file, "pooling_type " + declared + " is not supported (1 mean, 2 cls, 3 last;"
                + " 0 means per-token vectors, which medgemma embed does not give)");
    }

    /** Pools {@code n} rows of width {@code d}, row-major in {@code rows} from row {@code first}, into {@code out}. */
    void pool(float[] rows, int first, int n, int d, float[] out) {
        switch (this) {
            case CLS -> System.arraycopy(rows, first * d, out, 0, d);
            case LAST -> System.arraycopy(rows, (first + n - 1) * d, out, 0, d);
            case MEAN -> {
                for (int i = 0; i < d; i++) {
                    double sum = 0;
                    for (int t = first; t < first + n; t++) {
                        sum += rows[t * d + i];
                    }
                    out[i] = (float) (sum / n);
                }
            }
        }
    }
}
