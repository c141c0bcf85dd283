package org.medgemma4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * llama.cpp's -ngl, one option for every command that loads a model: accepted so habits and scripts carry over,
 * and explained, since there is no GPU path yet.
 */
final class GpuLayers {

    @Option(names = {"-ngl", "--n-gpu-layers", "--gpu-layers"}, paramLabel = "N",
            description = "accepted as llama.cpp takes it; medgemma4j computes on the CPU (no GPU path yet), so it is ignored with a note")
    Integer layers;

    /** Says on {@code err} that a nonzero -ngl is ignored. */
    void note(PrintWriter err) {
        if (layers != null && layers != 0) {
            err.println("medgemma: note: -ngl " + layers + " ignored: medgemma4j computes on the CPU (no GPU path yet)");
            err.flush();
        }
    }
}
