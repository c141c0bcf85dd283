package org.medgemma4j.gguf;

import java.util.Arrays;
import org.medgemma4j.tensor.GgmlType;

/**
 * One tensor of a GGUF file. {@code dims} are in ggml order: dims[0] is the contiguous (row) length,
 * so a weight used as y = W x with W of shape [out][in] has dims {in, out}.
 *
 * @param part       index of the file part holding the data (0 for single-file models)
 * @param dataOffset absolute byte offset of the data in that part
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, int part, long dataOffset) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** The length of dimension i, 1 beyond the rank. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    /** The shape as llama.cpp prints it, e.g. "2560, 262144". */
    public String shapeString() {
        return Arrays.stream(dims).mapToObj(Long::toString).reduce((a, b) -> a + ", " + b).orElse("");
    }
}
