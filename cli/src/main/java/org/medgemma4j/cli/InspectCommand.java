package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.store.ModelResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma inspect FILE}: what a GGUF file holds, like llama.cpp's gguf dump. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's version, metadata, tensors and totals (any part of a split model).")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", description = "a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name")
    String model;

    @Option(names = "--json", description = "print JSON (long arrays abbreviated to their count and first items)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (GgufFile g = GgufFile.open(ModelResolver.fromEnvironment().resolve(model))) {
            ModelSummary model = ModelSummary.of(g);
            if (json) {
                InspectJson.write(g, model, out);
            } else {
                InspectText.write(g, model, out);
            }
        }
        out.flush();
        return 0;
    }

    /** The Gemma 3 hyperparameters, or why a gemma3 file's are unreadable; null for other architectures. */
    record ModelSummary(Gemma3Config config, String problem) {

        static ModelSummary of(GgufFile g) {
            if (!Gemma3Config.ARCH.equals(g.metadata().get("general.architecture"))) {
                return null;
            }
            try {
                return new ModelSummary(Gemma3Config.from(g), null);
            } catch (GgufException e) {
                return new ModelSummary(null, e.getMessage());
            }
        }
    }
}
