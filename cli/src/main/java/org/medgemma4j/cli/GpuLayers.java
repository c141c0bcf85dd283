package org.medgemma4j.cli;

import java.io.PrintWriter;

/** llama.cpp's -ngl, accepted so habits and scripts carry over, and explained: there is no GPU path yet. */
final class GpuLayers {

    private GpuLayers() {
    }

    static void note(Integer layers, PrintWriter err) {
        if (layers != null && layers != 0) {
            err.println("medgemma: note: -ngl " + layers + " ignored: medgemma4j computes on the CPU (no GPU path yet)");
            err.flush();
        }
    }
}
