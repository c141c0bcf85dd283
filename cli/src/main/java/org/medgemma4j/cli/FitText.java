package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.medgemma4j.store.fit.FitReport;

/** fit's human-readable report: our exact figures beside the page's rule of thumb. */
final class FitText {

    private FitText() {
    }

    static void write(FitReport r, PrintWriter out) {
        out.printf(Locale.ROOT, "%s at %d tokens of context (KV %s, batch %d) on %s%n", r.model(), r.context(),
                r.kvType(), r.batch(), r.machine());
        row(out, "weights", r.weightBytes(), "sum of tensor bytes");
        row(out, "KV cache", r.kvBytes(), "exact, as the engine allocates: sliding layers keep window + batch - 1 positions");
        row(out, "compute buffers", r.computeBytes(), "4 x (batch x (3 embd + q + k + v + attn + 2 ff + 2 head_dim) + vocab)");
        row(out, "total", r.totalBytes(), "");
        if (r.visionBytes() > 0) {
            row(out, "vision encoder", r.visionBytes(), "mmproj weights and encoder buffers, extra when images are used");
        }
        out.println("KV cache beside the rule of thumb:");
        row(out, "  ours (exact)", r.kvBytes(), "only the global layers grow with the context");
        row(out, "  all layers global", r.kvAllGlobalBytes(), "what ignoring the sliding window gives");
        out.printf(Locale.ROOT, "    %-20s %4.1f-%.1f GB  page: \"add ~30-50%% for KV\" (for MedGemma 27B: \"KV cache at 8K: ~6 GB\")%n",
                "page's rule of thumb", gb(r.kvRuleOfThumbLowBytes()), gb(r.kvRuleOfThumbHighBytes()));
        out.printf(Locale.ROOT, "device: %s, %.1f GB; RAM %.1f GB%n", r.device(), gb(r.deviceBytes()), gb(r.ramBytes()));
        out.println("verdict: " + switch (r.verdict()) {
            case FITS -> "fits" + (r.gpuLayers() > 0 ? " (all " + r.layers() + " layers on the GPU)" : "");
            case PARTIAL_OFFLOAD -> "fits with " + r.gpuLayers() + " of " + r.layers() + " layers on the GPU, the rest in RAM";
            case DOES_NOT_FIT -> "does not fit";
        });
        out.println("largest context that fits on " + r.device() + ": "
                + (r.maxContext() > 0 ? r.maxContext() + " tokens" : "none (the weights alone do not fit)"));
        if (r.tokensPerSecond() != null) {
            out.printf(Locale.ROOT, "decode speed (estimate): ~%.0f tok/s, from memory bandwidth at %.0f%% efficiency "
                    + "(every weight and the KV cache read once per token)%n", r.tokensPerSecond(), r.efficiency() * 100);
        } else {
            out.println("decode speed: no estimate (" + (r.verdict() == FitReport.Verdict.DOES_NOT_FIT
                    ? "it does not fit" : "memory bandwidth unknown") + ")");
        }
        if (r.warning() != null) {
            out.println();
            out.println(r.warning());
        }
    }

    private static void row(PrintWriter out, String label, long bytes, String note) {
        out.println(String.format(Locale.ROOT, "  %-22s %8.2f GB  %s", label, gb(bytes), note).stripTrailing());
    }

    private static double gb(long bytes) {
        return bytes / 1e9;
    }
}
