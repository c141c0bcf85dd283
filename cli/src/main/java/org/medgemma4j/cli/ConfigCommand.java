package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.store.DefaultModel;
import org.medgemma4j.store.ModelResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma config default-model [NAME]}: the model used when a command is given no -m. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show or change settings kept in the store (config.json).",
        subcommands = ConfigCommand.DefaultModelCommand.class)
final class ConfigCommand {

    @Command(name = "default-model", mixinStandardHelpOptions = true,
            description = "Show the model run, chat and serve use without -m, or set it (it must resolve: a file, a pulled or an Ollama model).")
    static final class DefaultModelCommand implements Callable<Integer> {

        @Parameters(paramLabel = "MODEL", arity = "0..1", description = "the model to use by default")
        String model;

        @Option(names = "--unset", description = "forget the default (then the only pulled model, if just one, is used)")
        boolean unset;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            DefaultModel defaults = DefaultModel.fromEnvironment();
            if (unset) {
                defaults.set(null);
                out.println("default model unset");
            } else if (model != null) {
                ModelResolver.fromEnvironment().resolve(model); // refuses what would not run
                defaults.set(model);
                out.println("default model: " + model);
            } else {
                out.println(defaults.configured().orElse("(none set)"));
            }
            out.flush();
            return 0;
        }
    }
}
