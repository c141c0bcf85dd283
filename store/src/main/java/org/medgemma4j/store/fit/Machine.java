package org.medgemma4j.store.fit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The memory a plan is made against: system RAM and, optionally, one accelerator (the first GPU
 * nvidia-smi lists, a card from the table, or an Apple machine's unified memory).
 */
public record Machine(String name, Device ram, Optional<Device> gpu) {

    /** Assumed when RAM bandwidth cannot be read: dual-channel DDR4/DDR5 desktops reach roughly this. */
    public static final double ASSUMED_RAM_BANDWIDTH_GBS = 50;

    /** This computer: MemAvailable from /proc/meminfo, and the first NVIDIA GPU when nvidia-smi answers. */
    public static Machine detect() {
        long ram = memInfo("MemAvailable").or(() -> memInfo("MemTotal"))
                .orElse(Runtime.getRuntime().maxMemory());
        Device ramDevice = new Device("RAM (available)", ram, ASSUMED_RAM_BANDWIDTH_GBS, Device.Kind.RAM);
        Optional<Device> gpu = nvidiaGpus().stream().findFirst();
        return new Machine("this machine", ramDevice, gpu);
    }

    /** A named card (in a machine whose RAM is detected) or an Apple machine, whose memory is the RAM too. */
    public static Machine withDevice(Device d) {
        if (d.kind() == Device.Kind.UNIFIED) {
            return new Machine(d.name(), new Device(d.name() + " unified memory", d.memoryBytes(), d.bandwidthGBs(),
                    Device.Kind.UNIFIED), Optional.empty());
        }
        Machine here = detect();
        return new Machine(d.name(), here.ram(), Optional.of(d));
    }

    static Optional<Long> memInfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) {
                    String[] f = line.substring(key.length() + 1).strip().split("\\s+");
                    return Optional.of(Long.parseLong(f[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or an unreadable /proc: fall back to what the JVM knows.
        }
        return Optional.empty();
    }

    /** GPUs from nvidia-smi (name and MiB of memory), none when it is absent or fails. */
    static List<Device> nvidiaGpus() {
        List<Device> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            String text;
            try (InputStream in = p.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return out;
            }
            out.addAll(parseNvidiaSmi(text));
        } catch (IOException e) {
            // No nvidia-smi: no NVIDIA GPU to plan for.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    static List<Device> parseNvidiaSmi(String csv) {
        List<Device> out = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",");
            if (f.length == 2 && f[1].strip().matches("\\d+")) {
                String name = f[0].strip();
                out.add(new Device(name, Long.parseLong(f[1].strip()) << 20,
                        KnownDevices.bandwidthOf(name).orElse(0.0), Device.Kind.GPU));
            }
        }
        return out;
    }
}
