package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.store.StoredModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code medgemma list}: models in our store and those Ollama has pulled. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List pulled models (our store, then Ollama's), usable as references by run and fit.")
final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore store = ModelStore.fromEnvironment();
        OllamaStore ollama = OllamaStore.fromEnvironment();
        List<StoredModel> all = new ArrayList<>(store.list());
        all.addAll(ollama.list());
        if (all.isEmpty()) {
            out.println("no models in " + store.modelsDir() + " or " + ollama.root() + "; try: medgemma pull medgemma-4b");
        }
        for (StoredModel m : all) {
            out.printf(Locale.ROOT, "%-70s %9.2f GB  %s%n", m.ref(), m.bytes() / 1e9, m.source());
        }
        out.flush();
        return 0;
    }
}
