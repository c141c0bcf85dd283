package org.medgemma4j.cli;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.tensor.GgmlType;

/** Parameter and byte counts of a model's tensors, in all and per ggml type. */
record TensorTotals(long params, long bytes, Map<GgmlType, TypeTotals> byType) {

    record TypeTotals(int count, long params, long bytes) {
    }

    static TensorTotals of(List<GgufTensorInfo> tensors) {
        Map<GgmlType, TypeTotals> byType = new EnumMap<>(GgmlType.class);
        long params = 0;
        long bytes = 0;
        for (GgufTensorInfo t : tensors) {
            params += t.elementCount();
            bytes += t.byteSize();
            byType.merge(t.type(), new TypeTotals(1, t.elementCount(), t.byteSize()),
                    (a, b) -> new TypeTotals(a.count + b.count, a.params + b.params, a.bytes + b.bytes));
        }
        return new TensorTotals(params, bytes, byType);
    }
}
