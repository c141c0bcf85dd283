package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.medgemma4j.cli.InspectCommand.ModelSummary;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.tensor.GgmlType;

/** inspect's human-readable report, laid out like llama.cpp's gguf dump. */
final class InspectText {

    private InspectText() {
    }

    static void write(GgufFile g, ModelSummary model, PrintWriter out) {
        List<Path> parts = g.partPaths();
        out.printf(Locale.ROOT, "file: %s%s%n", g.path(), parts.size() > 1 ? " (part of a " + parts.size() + "-part split model)" : "");
        out.printf(Locale.ROOT, "GGUF version %d, alignment %d, file size %,d bytes (%s)%n",
                g.version(), g.alignment(), g.fileBytes(), human(g.fileBytes(), 1024, "B"));
        if (model != null) {
            out.println("model: " + (model.config() != null ? describe(model.config()) : "unreadable: " + model.problem()));
        }

        GgufMetadata m = g.metadata();
        out.printf(Locale.ROOT, "* %d metadata key/value pairs%n", m.keys().size());
        int n = 1;
        for (Map.Entry<String, Object> e : m.asMap().entrySet()) {
            Object v = e.getValue();
            var type = m.type(e.getKey());
            out.printf(Locale.ROOT, "  %5d: %-10s | %8d | %s = %s%n", n++, MetadataValues.typeName(type, v), MetadataValues.count(v),
                    e.getKey(), MetadataValues.text(type, v));
        }

        out.printf(Locale.ROOT, "* %d tensors%n", g.tensors().size());
        out.printf(Locale.ROOT, "  %5s: %-7s | %-26s | %14s | %s%n", "index", "type", "shape", "bytes", "name");
        int i = 0;
        for (GgufTensorInfo t : g.tensors()) {
            out.printf(Locale.ROOT, "  %5d: %-7s | %-26s | %,14d | %s%n", i++, t.type().ggmlName(), t.shapeString(), t.byteSize(), t.name());
        }

        TensorTotals totals = TensorTotals.of(g.tensors());
        out.printf(Locale.ROOT, "* %,d parameters%s, %,d bytes of tensor data%n", totals.params(),
                totals.params() >= 1000 ? " (" + human(totals.params(), 1000, "") + ")" : "", totals.bytes());
        out.printf(Locale.ROOT, "  %-7s | %7s | %16s | %16s%n", "type", "tensors", "parameters", "bytes");
        for (Map.Entry<GgmlType, TensorTotals.TypeTotals> e : totals.byType().entrySet()) {
            TensorTotals.TypeTotals t = e.getValue();
            out.printf(Locale.ROOT, "  %-7s | %7d | %,16d | %,16d%n", e.getKey().ggmlName(), t.count(), t.params(), t.bytes());
        }
    }

    private static String describe(Gemma3Config c) {
        String window = c.slidingWindow() > 0
                ? String.format(Locale.ROOT, ", sliding window %d (%d of %d layers global)", c.slidingWindow(), c.globalLayerCount(), c.blockCount())
                : ", no sliding window";
        return String.format(Locale.ROOT, "gemma3 '%s': %d layers, width %d, %d heads / %d KV heads of %d, feed-forward %d, context %d%s, vocabulary %d",
                c.name(), c.blockCount(), c.embeddingLength(), c.headCount(), c.headCountKv(), c.keyLength(),
                c.feedForwardLength(), c.contextLength(), window, c.vocabSize());
    }

    /** 1234567 as "1.23 M" (base 1000) or "1.18 MiB" (base 1024). */
    static String human(long x, int base, String unit) {
        String[] prefixes = {"", "K", "M", "G", "T", "P"};
        double v = x;
        int p = 0;
        while (v >= base && p < prefixes.length - 1) {
            v /= base;
            p++;
        }
        String prefix = prefixes[p] + (base == 1024 && p > 0 ? "i" : "");
        return String.format(Locale.ROOT, p == 0 ? "%.0f %s%s" : "%.2f %s%s", v, prefix, unit).trim();
    }
}
