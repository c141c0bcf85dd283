package org.medgemma4j.evaluation;

import java.io.IOException;

/** Generate mode: the zero-shot question through the chat template, the reply read by {@link AnswerParser}. */
public final class ChatAnswerer implements Answerer {

    private final ChatBackend backend;
    private final boolean chainOfThought;
    private final int maxTokens;

    public ChatAnswerer(ChatBackend backend, boolean chainOfThought, int maxTokens) {
        this.backend = backend;
        this.chainOfThought = chainOfThought;
        this.maxTokens = maxTokens;
    }

    @Override
    public ItemResult answer(Item item) throws IOException {
        String prompt = Prompts.chat(item, chainOfThought);
        String raw = backend.reply(prompt, maxTokens);
        return ItemResult.of(item, prompt, raw, AnswerParser.parse(raw, item).orElse(null));
    }

    @Override
    public int parallelism() {
        return backend.parallelism();
    }
}
