package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.HfClient;
import org.medgemma4j.store.ModelRef;
import org.medgemma4j.store.RemoteHeader;
import org.medgemma4j.store.StoreException;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.fit.Catalog;
import org.medgemma4j.store.fit.Device;
import org.medgemma4j.store.fit.FitPlanner;
import org.medgemma4j.store.fit.FitReport;
import org.medgemma4j.store.fit.KnownDevices;
import org.medgemma4j.store.fit.Machine;
import org.medgemma4j.store.fit.ModelShape;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma fit}: will this model run on this machine (or that card), and at what context. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Memory a model needs (weights, KV cache, buffers) against this machine or a named GPU.")
final class FitCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", defaultValue = "medgemma-27b",
            description = "a GGUF file, a pulled reference, an Ollama model or a catalog name (medgemma-4b, "
                    + "medgemma-27b, medgemma-27b-text, with :q4_k_m, :q8_0, :f16, ...); default ${DEFAULT-VALUE}")
    String model;

    @Option(names = {"-c", "--ctx-size", "--ctx"}, defaultValue = "8192", description = "context length in tokens (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = {"--kv-type", "--kv"}, defaultValue = "f16", description = "KV cache type: f16, q8_0 or f32 (default ${DEFAULT-VALUE})")
    String kv;

    @Option(names = {"-b", "--batch-size", "--batch"}, defaultValue = "" + FitPlanner.DEFAULT_BATCH, description = "prefill batch (default ${DEFAULT-VALUE})")
    int batch;

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--gpu", description = "plan for a known card or Mac: 'rtx 4090', 'a100 80', 'm4 pro 48', ...")
        String gpu;

        @Option(names = "--vram", description = "plan for a GPU with this many GB of memory")
        Double vram;
    }

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KvCacheType kvType;
        Machine machine;
        try {
            kvType = KvCacheType.parse(kv);
            machine = machine();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        FitReport report = FitPlanner.plan(shape(), context, kvType, batch, machine);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            FitText.write(report, out);
        }
        out.flush();
        return 0;
    }

    private Machine machine() {
        if (target != null && target.gpu != null) {
            return Machine.withDevice(KnownDevices.byName(target.gpu));
        }
        if (target != null && target.vram != null) {
            if (target.vram <= 0) {
                throw new IllegalArgumentException("--vram must be a positive number of GB");
            }
            return Machine.withDevice(new Device(String.format("GPU with %.0f GB", target.vram),
                    (long) (target.vram * (1L << 30)), 0, Device.Kind.GPU));
        }
        return Machine.detect();
    }

    /**
     * A catalog name plans without any file; a local or pulled model from its header; a Hugging Face file not
     * downloaded yet from its header read with Range requests.
     */
    private ModelShape shape() throws Exception {
        ModelRef ref = ModelRef.parse(model);
        if (ref instanceof ModelRef.Named n) {
            Optional<Catalog.Entry> e = Catalog.entry(n);
            if (e.isPresent()) {
                return Catalog.shape(e.get(), Catalog.quantOf(n));
            }
        }
        Path file;
        try {
            file = ModelResolver.fromEnvironment().resolve(ref);
        } catch (StoreException notLocal) {
            RemoteHeader remote = new RemoteHeader(HfClient.fromEnvironment());
            return switch (ref) {
                case ModelRef.HfFile f -> ModelShape.of(remote.read(f));
                case ModelRef.HfRepo r -> ModelShape.of(remote.read(r));
                default -> throw notLocal;
            };
        }
        ModelShape shape;
        try (GgufFile g = GgufFile.open(file)) {
            shape = ModelShape.of(g);
        }
        Path mmproj;
        try {
            mmproj = org.medgemma4j.vision.VisionModel.findBeside(file);
        } catch (java.io.IOException several) {
            return shape; // which one would be used is the user's choice (--mmproj), so none is counted
        }
        if (mmproj == null) {
            return shape;
        }
        try (GgufFile g = GgufFile.open(mmproj)) {
            return shape.withVision(ModelShape.visionBytes(g, Runtime.getRuntime().availableProcessors()));
        }
    }
}
