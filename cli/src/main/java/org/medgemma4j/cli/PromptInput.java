package org.medgemma4j.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code run} takes its prompt from, as llama.cpp's tools do: the argument, {@code -f FILE}, or standard input. */
final class PromptInput {

    private PromptInput() {
    }

    /**
     * {@code -f FILE} if given; the argument unless it is {@code -}; standard input when the argument is {@code -}
     * or absent with input piped (not a terminal); otherwise an error saying how to give one.
     */
    static String read(String argument, Path file) throws IOException {
        if (file != null) {
            if (argument != null) {
                throw new IllegalArgumentException("give the prompt either as an argument or with -f, not both");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        if (argument != null && !argument.equals("-")) {
            return argument;
        }
        Console console = System.console();
        if (argument == null && console != null && console.isTerminal()) {
            throw new IllegalArgumentException("no prompt: give it as an argument, '-' to read standard input, or -f FILE");
        }
        String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new IllegalArgumentException("the prompt read from standard input is empty");
        }
        return text;
    }
}
