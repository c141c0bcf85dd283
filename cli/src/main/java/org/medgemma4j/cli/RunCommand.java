package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.ImageTurns;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.vision.MediaPrompt;
import org.medgemma4j.vision.VisionModel;
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

    @Mixin
    ImageOptions image;

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
        try (LoadedModel m = model.open(spec.commandLine().getErr());
             VisionModel vision = image.openIfImages(m, err);
             Session session = model.newSession(m, vision == null ? 1 : vision.config().tokenCount())) {
            List<float[]> embeddings = vision == null ? List.of() : ImageOptions.embed(vision, image.images);
            int perImage = vision == null ? 0 : vision.config().tokenCount();
            int[] tokens;
            List<ImageSpan> spans;
            if (raw && vision != null) {
                // as llama.cpp's mtmd takes raw text: special tokens parsed, an image at each <__media__>
                MediaPrompt p = MediaPrompt.build(m.tokenizer(), prompt, embeddings, perImage, true);
                tokens = p.tokens();
                spans = p.images();
            } else if (raw) {
                tokens = m.tokenizer().encode(prompt, true, false);
                spans = List.of();
            } else {
                List<ChatMessage> messages = new ArrayList<>();
                List<List<float[]>> perMessage = new ArrayList<>();
                if (answer.system != null) {
                    messages.add(ChatMessage.system(answer.system));
                    perMessage.add(List.of());
                }
                messages.add(ChatMessage.user(prompt));
                perMessage.add(embeddings);
                ImageTurns turns = new ImageTurns(m.tokenizer(), perMessage, perImage);
                tokens = m.template().encode(messages, true, turns);
                spans = turns.spans();
            }
            GenerationOptions options = sampling.toOptions().withGrammar(grammar);
            GenerationResult r = session.generate(tokens, spans, options, answer.stream(out, err));
            answer.finish(out, err, r);
            audit.record("run", m, options, answer.system, prompt, r);
        }
        return 0;
    }
}
