package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code medgemma rm REF}: delete a pulled model (and any partial download of it) from our store; with the last
 * model of its folder, the image encoder pulled beside it.
 */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a model from the store.")
final class RmCommand implements Callable<Integer> {

    @Parameters(paramLabel = "REF", description = "the model, as list shows it or as it was pulled")
    String ref;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelStore store = ModelStore.fromEnvironment();
        OllamaStore ollama = OllamaStore.fromEnvironment();
        Path file = new ModelResolver(store, ollama).resolve(ref);
        if (file.toAbsolutePath().startsWith(ollama.root().toAbsolutePath())) {
            throw new StoreException(ref + " belongs to Ollama; remove it with: ollama rm " + ref);
        }
        List<Path> deleted = store.delete(file);
        PrintWriter out = spec.commandLine().getOut();
        out.println("deleted " + file);
        for (Path p : deleted) {
            if (!p.equals(file)) {
                out.println("deleted " + p + " (its image encoder)");
            }
        }
        out.flush();
        return 0;
    }
}
