package org.medgemma4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The medgemma command line: one subcommand per job. */
@Command(name = "medgemma", mixinStandardHelpOptions = true, version = "medgemma4j 0.1.0",
        description = "Run MedGemma (Gemma 3) GGUF models in pure Java. Research use only.",
        subcommands = {CommandLine.HelpCommand.class, RunCommand.class, ChatCommand.class, PullCommand.class,
                ListCommand.class, RmCommand.class, FitCommand.class, InspectCommand.class, TokenizeCommand.class,
                DetokenizeCommand.class, GenerateCommand.class, LogitsCommand.class, ServeCommand.class,
                BenchCommand.class, DataCommand.class, ConfigCommand.class, IndexCommand.class, SearchCommand.class,
                AskCommand.class, EvalCommand.class, DriftCommand.class, DeidCommand.class, EmbedCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportFailure);
    }

    /**
     * A file that cannot be read (GgufException, a missing file, any I/O error) or an invalid request
     * (IllegalArgumentException: a bad option value, a prompt longer than the context) is the user's
     * problem, not a bug: one line, exit code 1. Anything else is a bug and keeps its stack trace.
     */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        IOException io = e instanceof UncheckedIOException u ? u.getCause() : e instanceof IOException i ? i : null;
        String message = io != null ? describe(io) : e instanceof IllegalArgumentException bad ? bad.getMessage() : null;
        if (message == null) {
            throw e;
        }
        cmd.getErr().println("medgemma: " + message);
        cmd.getErr().flush();
        return 1;
    }

    // The JDK's file exceptions carry only the path as their message.
    private static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            default -> e.getMessage();
        };
    }
}
