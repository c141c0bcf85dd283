package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the token ids of standard input as llama.cpp would tokenize it. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of the UTF-8 text on standard input as a JSON array.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name")
    String model;

    @Option(names = "--no-bos", description = "Do not add the BOS token the model asks for.")
    boolean noBos;

    @Option(names = "--special", description = "Turn control-token text such as <start_of_turn> into those tokens.")
    boolean special;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String text = readText();
        int[] ids = load(model).encode(text, !noBos, special);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json(ids) + "\n");
        out.flush();
        return 0;
    }

    /** The tokenizer of a model reference, resolved as every command resolves it. */
    static Tokenizer load(String model) throws IOException {
        try (GgufFile file = GgufFile.open(ModelResolver.fromEnvironment().resolve(model))) {
            return Tokenizer.of(file);
        }
    }

    // Any bytes are accepted: what is not UTF-8 becomes U+FFFD rather than an error.
    private static String readText() throws IOException {
        byte[] bytes = System.in.readAllBytes();
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    /** The ids as Python's json.dumps writes a list, which is what the oracle prints. */
    static String json(int[] ids) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int id : ids) {
            j.add(Integer.toString(id));
        }
        return j.toString();
    }
}
