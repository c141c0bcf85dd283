package org.medgemma4j.store.fit;

/**
 * What fit found, in bytes. KV figures: ours (exact, as the engine allocates: sliding layers hold
 * only window + batch - 1 positions), what a planner that ignores the window would say (every layer
 * global), and the page's rule of thumb (KV adds 30-50% of the weights).
 *
 * @param gpuLayers      layers placed on the accelerator (all of them when the verdict is FITS on a GPU)
 * @param maxContext     the largest context whose whole plan fits on the device, 0 when none does
 * @param tokensPerSecond estimated decode speed, null when the bandwidth is unknown
 * @param warning        the precision guard's warning, null when none
 */
public record FitReport(
        String model,
        int context,
        String kvType,
        int batch,
        long weightBytes,
        long kvBytes,
        long computeBytes,
        long totalBytes,
        long visionBytes,
        long kvAllGlobalBytes,
        long kvRuleOfThumbLowBytes,
        long kvRuleOfThumbHighBytes,
        String machine,
        String device,
        long deviceBytes,
        long ramBytes,
        Verdict verdict,
        int gpuLayers,
        int layers,
        int maxContext,
        Double tokensPerSecond,
        double efficiency,
        String warning) {

    public enum Verdict { FITS, PARTIAL_OFFLOAD, DOES_NOT_FIT }
}
