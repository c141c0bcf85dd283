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
        description = "Chat interactively (one message per line; /clear starts over, /bye or end of input quits). Research use only.")
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
                if (line.strip().equals("/clear")) {
                    chat.clear();
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    GenerationOptions options = sampling.toOptions();
                    GenerationResult r = chat.send(line, options, answer.stream(out, err));
                    answer.finish(out, err, r);
                    audit.record("chat", m, options, answer.system, line, r);
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
}
