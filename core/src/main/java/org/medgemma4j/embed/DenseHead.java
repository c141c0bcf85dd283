package org.medgemma4j.embed;

import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.tensor.TensorFormats;
import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * The sentence-transformers projection after pooling (files converted with
 * --sentence-transformers-dense-modules): dense_2 widens the pooled vector (768 -> 3072 in EmbeddingGemma),
 * dense_3 brings it back (3072 -> 768), no bias and no activation between (llama.cpp build_dense_out).
 */
record DenseHead(WeightMatrix widen, WeightMatrix narrow) {

    /** The head in {@code file}, or null when it has none; half a head is an error. */
    static DenseHead load(GgufFile file, int embd) throws GgufException {
        GgufTensorInfo d2 = file.tensor("dense_2.weight");
        GgufTensorInfo d3 = file.tensor("dense_3.weight");
        if (d2 == null && d3 == null) {
            return null;
        }
        if (d2 == null || d3 == null) {
            throw new GgufException(file.path(), "the dense head needs both dense_2.weight and dense_3.weight, found only "
                    + (d2 == null ? "dense_3" : "dense_2"));
        }
        if (d2.rank() != 2 || d3.rank() != 2 || d2.dim(0) != embd || d3.dim(1) != embd || d3.dim(0) != d2.dim(1)) {
            throw new GgufException(file.path(), "dense head shapes [" + d2.shapeString() + "] and [" + d3.shapeString()
                    + "] do not chain " + embd + " -> N -> " + embd);
        }
        return new DenseHead(matrix(file, "dense_2.weight", d2), matrix(file, "dense_3.weight", d3));
    }

    private static WeightMatrix matrix(GgufFile file, String name, GgufTensorInfo t) throws GgufException {
        if (!TensorFormats.isSupported(t.type())) {
            throw new GgufException(file.path(), "tensor " + name + " has type " + t.type().ggmlName()
                    + ", which medgemma4j cannot compute with yet");
        }
        return new WeightMatrix(name, t.type(), file.data(t), Math.toIntExact(t.dim(1)), Math.toIntExact(t.dim(0)));
    }

    /** The pooled vector projected through both layers, into a new array. */
    float[] apply(WorkerPool pool, float[] pooled) {
        float[] wide = new float[widen.rows()];
        widen.matMul(pool, pooled, 1, 1, wide, new float[WeightMatrix.scratchLength(1, widen.cols())]);
        float[] out = new float[narrow.rows()];
        narrow.matMul(pool, wide, 1, 1, out, new float[WeightMatrix.scratchLength(1, narrow.cols())]);
        return out;
    }

    long byteSize() {
        return widen.byteSize() + narrow.byteSize();
    }
}
