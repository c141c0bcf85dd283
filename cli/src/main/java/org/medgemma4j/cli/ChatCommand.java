package org.medgemma4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.ChatSession;
import org.medgemma4j.generate.ContextOverflowException;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.vision.VisionModel;
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

    @Mixin
    ImageOptions image;

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
        try (LoadedModel m = model.open(spec.commandLine().getErr());
             VisionModel vision = image.openIfAvailable(m, err);
             Session session = model.newSession(m, vision == null ? 1 : vision.config().tokenCount())) {
            ChatSession chat = new ChatSession(session, m.template(), answer.system);
            // images for the next message: --image ones for the first, then each /image line's
            List<float[]> pending = new ArrayList<>(vision == null ? List.of() : ImageOptions.embed(vision, image.images));
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
                if (line.strip().startsWith("/image")) {
                    attach(line.strip(), m, vision, pending, out, err);
                    continue;
                }
                if (line.strip().startsWith("/")) {
                    if (command(line.strip(), chat, out)) {
                        pending.clear();
                    }
                    continue;
                }
                try (AnswerInterrupt interrupt = AnswerInterrupt.during()) {
                    GenerationOptions options = sampling.toOptions();
                    GenerationResult r = chat.send(line, List.copyOf(pending), vision == null ? 0 : vision.config().tokenCount(),
                            options, interrupt.wrap(answer.stream(out, err)));
                    pending.clear();
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
            /image FILE  attach an image (PNG, JPEG, BMP, GIF) to the next message
            /clear   start a new conversation (forget the turns so far)
            /bye     quit (so does end of input, Ctrl-D)
            /help    this list
            Ctrl-C stops an answer and returns to the prompt.""";

    /** {@code /image FILE}: encodes the image now (a bad file is said at once) for the next message. */
    private static void attach(String line, LoadedModel m, VisionModel vision, List<float[]> pending, PrintWriter out, PrintWriter err) {
        String[] parts = line.split("\\s+", 2);
        if (!parts[0].equals("/image") || parts.length < 2 || parts[1].isBlank()) {
            out.println("usage: /image FILE");
        } else if (vision == null) {
            err.println("medgemma: " + ImageOptions.noEncoder(m));
        } else {
            Path file = Path.of(parts[1].strip());
            try {
                pending.add(vision.embed(file));
                out.println("(image " + file.getFileName() + " attached to the next message)");
            } catch (IOException e) {
                err.println("medgemma: " + e.getMessage());
            }
        }
        out.flush();
        err.flush();
    }

    /** A line starting with '/' is a command, never text for the model (as in Ollama's chat); true when it cleared the chat. */
    private static boolean command(String line, ChatSession chat, PrintWriter out) {
        boolean cleared = false;
        switch (line.split("\\s+", 2)[0]) {
            case "/clear" -> {
                chat.clear();
                cleared = true;
                out.println("(new conversation)");
            }
            case "/help", "/?" -> out.println(HELP);
            default -> out.println("unknown command " + line.split("\\s+", 2)[0] + ": /help lists the commands");
        }
        out.flush();
        return cleared;
    }
}
