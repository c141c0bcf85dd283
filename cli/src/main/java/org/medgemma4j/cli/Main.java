package org.medgemma4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The medgemma command line: one subcommand per job. */
@Command(name = "medgemma", mixinStandardHelpOptions = true, version = "medgemma4j 0.1.0",
        description = "Run MedGemma (Gemma 3) GGUF models in pure Java. Research use only.",
        subcommands = {CommandLine.HelpCommand.class, TokenizeCommand.class, DetokenizeCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
