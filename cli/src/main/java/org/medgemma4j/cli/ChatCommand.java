package org.medgemma4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.ChatSession;
import org.medgemma4j.generate.ContextOverflowException;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code medgemma chat -m MODEL}: an interactive, multi-turn conversation. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat interactively (one message per line; /help lists the commands; Ctrl-C stops an answer; "
                + "/bye or end of input quits). Research use only.")
final class ChatCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    AnswerOptions answer;

    @Mixin
    AuditOptions audit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, decoder));
        audit.validate();
        try (LoadedModel m = model.open(spec.commandLine().getErr()); Session session = model.newSession(m)) {
            ChatSession chat = new ChatSession(session, m.template(), answer.system);
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/bye")) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().startsWith("/")) {
                    command(line.strip(), chat, out);
                    continue;
                }
                try (AnswerInterrupt interrupt = AnswerInterrupt.during()) {
                    GenerationOptions options = sampling.toOptions();
                    GenerationResult r = chat.send(line, options, interrupt.wrap(answer.stream(out, err)));
                    answer.finish(out, err, r);
                    audit.record("chat", m, options, answer.system, line, r);
                    if (interrupt.interrupted()) {
                        err.println("(answer stopped)");
                        err.flush();
                    }
                } catch (ContextOverflowException e) {
                    err.println("medgemma: " + e.getMessage() + "; /clear starts a new conversation");
                    err.flush();
                }
            }
        }
        out.println();
        out.flush();
        return 0;
    }

    private static final String HELP = """
            /clear   start a new conversation (forget the turns so far)
            /bye     quit (so does end of input, Ctrl-D)
            /help    this list
            Ctrl-C stops an answer and returns to the prompt.""";

    /** A line starting with '/' is a command, never text for the model (as in Ollama's chat). */
    private static void command(String line, ChatSession chat, PrintWriter out) {
        switch (line.split("\\s+", 2)[0]) {
            case "/clear" -> {
                chat.clear();
                out.println("(new conversation)");
            }
            case "/help", "/?" -> out.println(HELP);
            default -> out.println("unknown command " + line.split("\\s+", 2)[0] + ": /help lists the commands");
        }
        out.flush();
    }
}
