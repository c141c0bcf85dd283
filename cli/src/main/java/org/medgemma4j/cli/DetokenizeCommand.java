package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Prints the text of token ids, control tokens included, as llama.cpp's token_to_piece renders them. */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = "Print the text of comma-separated token ids (control tokens shown).")
final class DetokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name")
    String model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID", description = "Token ids, e.g. 2,818")
    int[] ids;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer = TokenizeCommand.load(model);
        int size = tokenizer.vocabulary().size();
        for (int id : ids) {
            if (id < 0 || id >= size) {
                throw new ParameterException(spec.commandLine(),
                        "token id " + id + " is outside the vocabulary (0 to " + (size - 1) + ")");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(tokenizer.decode(ids));
        out.flush();
        return 0;
    }
}
