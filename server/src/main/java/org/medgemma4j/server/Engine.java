package org.medgemma4j.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.ImageTurns;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.TokenLogprob;
import org.medgemma4j.vision.MediaPrompt;
import org.medgemma4j.vision.RgbImage;

/** What both APIs share: the model check, prompts from messages or text, limits, and running a job. */
final class Engine {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    /** Receives a job's text as it is produced; an IOException means the client is gone. */
    interface Sink {
        void text(String piece) throws IOException;

        /** A piece with its tokens' log-probabilities (when the request asked for them). */
        default void text(String piece, List<TokenLogprob> logprobs) throws IOException {
            text(piece);
        }

        default void thinking(String piece) throws IOException {
        }
    }

    private final LoadedModel model;
    private final ModelCard card;
    private final Scheduler scheduler;
    private final boolean logText;
    private final UnaryOperator<String> logScrubber;
    private final ImageEncoder images;
    private final AnswerListener answers;

    Engine(LoadedModel model, ModelCard card, Scheduler scheduler, boolean logText, UnaryOperator<String> logScrubber,
           ImageEncoder images, AnswerListener answers) {
        this.model = model;
        this.card = card;
        this.scheduler = scheduler;
        this.logText = logText;
        this.logScrubber = logScrubber;
        this.images = images;
        this.answers = answers;
    }

    /** A prompt's tokens and the images in it (at their positions). */
    record Prompt(int[] tokens, List<ImageSpan> images) {
        Prompt(int[] tokens) {
            this(tokens, List.of());
        }
    }

    /** Whether this model reads images. */
    boolean vision() {
        return images.available();
    }

    /**
     * The prompt of a conversation whose messages carry images ({@code imagesPerMessage.get(i)}: message i's,
     * in order): each goes where its message's text holds {@code <__media__>}, else before the text.
     */
    Prompt chatPrompt(List<ChatMessage> messages, List<List<RgbImage>> imagesPerMessage) {
        if (imagesPerMessage.stream().allMatch(List::isEmpty)) {
            return new Prompt(chatPrompt(messages));
        }
        if (messages.isEmpty()) {
            throw ApiException.badRequest("'messages' must not be empty");
        }
        List<List<float[]>> embeddings = new ArrayList<>();
        for (List<RgbImage> list : imagesPerMessage) {
            embeddings.add(images.embed(list));
        }
        try {
            ImageTurns turns = new ImageTurns(model.tokenizer(), embeddings, images.tokensPerImage());
            int[] tokens = model.template().encode(messages, true, turns);
            return new Prompt(tokens, turns.spans());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Raw text with images, as llama.cpp's mtmd takes it: control tokens parsed, an image at each {@code <__media__>}. */
    Prompt rawPrompt(String text, List<RgbImage> list) {
        if (list.isEmpty()) {
            return new Prompt(rawPrompt(text));
        }
        List<float[]> embeddings = images.embed(list);
        try {
            MediaPrompt p = MediaPrompt.build(model.tokenizer(), text, embeddings, images.tokensPerImage(), true);
            return new Prompt(p.tokens(), p.images());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    LoadedModel model() {
        return model;
    }

    ModelCard card() {
        return card;
    }

    int contextLength() {
        return scheduler.contextLength();
    }

    /** The prompt of a conversation, in the chat template. */
    int[] chatPrompt(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            throw ApiException.badRequest("'messages' must not be empty");
        }
        try {
            return model.template().encode(messages, true);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Text taken as it is, control tokens included (Ollama's raw mode, OpenAI's completions). */
    int[] rawPrompt(String text) {
        return model.tokenizer().encode(text, true, true);
    }

    /**
     * Queues a generation within {@code contextLimit} tokens (prompt and answer); too long a prompt or too
     * large a token limit is the client's error.
     */
    Job submit(int[] prompt, GenerationOptions options, int contextLimit) {
        return submit(new Prompt(prompt), options, contextLimit);
    }

    /** As {@link #submit(int[], GenerationOptions, int)}, for a prompt with images. */
    Job submit(Prompt request, GenerationOptions options, int contextLimit) {
        int[] prompt = request.tokens();
        int limit = Math.min(contextLimit, contextLength());
        if (prompt.length >= limit) {
            throw ApiException.badRequest("the prompt is " + prompt.length + " tokens; the context holds " + limit
                    + " (prompt and answer together)");
        }
        if (options.maxTokens() > contextLength()) {
            throw ApiException.badRequest("the token limit " + options.maxTokens() + " exceeds the context of "
                    + contextLength() + " tokens");
        }
        int room = limit - prompt.length;
        int max = options.maxTokens() < 0 ? room : Math.min(options.maxTokens(), room);
        GenerationOptions bounded = options.withMaxTokens(max);
        if (logText) {
            LOG.log(System.Logger.Level.INFO, "prompt: " + logScrubber.apply(promptText(prompt)) + " ("
                    + request.images().size() + " images)");
        }
        return scheduler.submit(prompt, request.images(), bounded);
    }

    /** The prompt's text as the model read it, image positions left out. */
    private String promptText(int[] prompt) {
        return model.tokenizer().decode(java.util.Arrays.stream(prompt).filter(t -> t >= 0).toArray());
    }

    private void tellListener(Job job, GenerationResult result) {
        if (answers == null) {
            return;
        }
        try {
            answers.answered(model, promptText(job.prompt()), job.images().size(), job.options(), result);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the answer listener failed: " + e, e);
        }
    }

    /**
     * Waits for a whole (non-streamed) answer. Nothing is written meanwhile, so a client that hangs up is
     * noticed by watching its connection, and cancels the job at once rather than at its token limit.
     */
    GenerationResult runWhole(Job job, Exchange ex) throws IOException {
        try (HangUpWatch watch = ex.watchHangUp(job::cancel)) {
            GenerationResult result = run(job, piece -> { });
            if (watch.hungUp()) {
                throw new IOException("the client hung up");
            }
            if (watch.mustClose()) {
                ex.header("Connection", "close");
            }
            return result;
        }
    }

    /**
     * Waits for a job, passing its text to {@code sink}. However this ends early (the client went away,
     * the sink failed, the thread was interrupted) the job is cancelled, so its slot is freed at once.
     */
    GenerationResult run(Job job, Sink sink) throws IOException {
        boolean ended = false;
        try {
            while (true) {
                switch (job.next()) {
                    case Job.Text t -> sink.text(t.text(), t.logprobs());
                    case Job.Thinking t -> sink.thinking(t.text());
                    case Job.Done d -> {
                        ended = true;
                        if (logText) {
                            LOG.log(System.Logger.Level.INFO, "answer: " + logScrubber.apply(d.result().text()));
                        }
                        tellListener(job, d.result());
                        return d.result();
                    }
                    case Job.Failed f -> {
                        ended = true;
                        throw f.error() instanceof IllegalArgumentException e
                                ? ApiException.badRequest(e.getMessage()) : f.error();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (!ended) {
                job.cancel();
            }
        }
    }
}
