package org.medgemma4j.store.fit;

/**
 * Memory a model can be placed in.
 *
 * @param memoryBytes   bytes usable for the model
 * @param bandwidthGBs  memory bandwidth in GB/s, 0 when unknown
 * @param kind          GPU (discrete VRAM), UNIFIED (Apple: GPU and CPU share it) or RAM
 */
public record Device(String name, long memoryBytes, double bandwidthGBs, Kind kind) {

    public enum Kind { GPU, UNIFIED, RAM }

    static final long GB = 1_000_000_000L;
    static final long GIB = 1L << 30;
}
