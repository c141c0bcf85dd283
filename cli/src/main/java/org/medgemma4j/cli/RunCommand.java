package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.grammar.Grammar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma run -m MODEL "prompt"}: one answer, streamed. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Answer one prompt with the chat template, streaming the answer. Research use only.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    AnswerOptions answer;

    @Mixin
    StructuredOutputOptions structured;

    @Mixin
    AuditOptions audit;

    @Parameters(paramLabel = "PROMPT", arity = "0..1",
            description = "the prompt; '-' or none (with input piped) reads it from standard input")
    String prompt;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the prompt from a file")
    Path promptFile;

    @Option(names = "--raw", description = "continue the prompt as plain text, without the chat template")
    boolean raw;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Grammar grammar = structured.grammar(); // a bad schema fails before the model loads
        String prompt = PromptInput.read(this.prompt, promptFile);
        audit.validate();
        try (LoadedModel m = model.open(spec.commandLine().getErr()); Session session = model.newSession(m)) {
            int[] tokens;
            if (raw) {
                tokens = m.tokenizer().encode(prompt, true, false);
            } else {
                List<ChatMessage> messages = new ArrayList<>();
                if (answer.system != null) {
                    messages.add(ChatMessage.system(answer.system));
                }
                messages.add(ChatMessage.user(prompt));
                tokens = m.template().encode(messages, true);
            }
            GenerationOptions options = sampling.toOptions().withGrammar(grammar);
            GenerationResult r = session.generate(tokens, options, answer.stream(out, err));
            answer.finish(out, err, r);
            audit.record("run", m, options, answer.system, prompt, r);
        }
        return 0;
    }
}
