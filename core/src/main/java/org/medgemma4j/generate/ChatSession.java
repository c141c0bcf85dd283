package org.medgemma4j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multi-turn chat over one {@link Session}. The conversation is kept as tokens, the model's answers
 * exactly as generated, so every turn extends the cached sequence and only the new user turn is
 * evaluated.
 */
public final class ChatSession {

    private final Session session;
    private final ChatTemplate template;
    private final String systemPrompt;
    private int[] conversation;
    /** The images in the conversation, at their positions. */
    private final List<ImageSpan> images = new ArrayList<>();

    /** @param systemPrompt folded into the first user turn; null or blank for none */
    public ChatSession(Session session, ChatTemplate template, String systemPrompt) {
        this.session = session;
        this.template = template;
        this.systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt;
    }

    /** Sends a user message and streams the model's answer. */
    public GenerationResult send(String userMessage, GenerationOptions options, TokenStream out) {
        return send(userMessage, List.of(), 0, options, out);
    }

    /**
     * Sends a user message with images ({@code tokensPerImage} embedding rows each; see {@link ImageTurns} for
     * where they go) and streams the model's answer. Earlier turns' images stay in the conversation.
     */
    public GenerationResult send(String userMessage, List<float[]> newImages, int tokensPerImage, GenerationOptions options,
                                 TokenStream out) {
        int[] prompt;
        List<ImageSpan> spans = new ArrayList<>();
        if (conversation == null) {
            List<ChatMessage> messages = new ArrayList<>();
            List<List<float[]>> perMessage = new ArrayList<>();
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
                perMessage.add(List.of());
            }
            messages.add(ChatMessage.user(userMessage));
            perMessage.add(newImages);
            ImageTurns turns = new ImageTurns(session.tokenizer(), perMessage, tokensPerImage);
            prompt = template.encode(messages, true, turns);
            spans.addAll(turns.spans());
        } else {
            ImageTurns turns = ImageTurns.of(session.tokenizer(), newImages, tokensPerImage);
            prompt = concat(conversation, template.encodeFollowUp(userMessage, conversation.length, turns));
            spans.addAll(images);
            spans.addAll(turns.spans());
        }
        GenerationResult result = session.generate(prompt, List.copyOf(spans), options, out);
        conversation = concat(prompt, result.tokens());
        images.clear();
        images.addAll(spans);
        return result;
    }

    /** Starts a new conversation (the cache is reused where the new one shares a prefix). */
    public void clear() {
        conversation = null;
        images.clear();
    }

    /** Tokens in the conversation so far. */
    public int tokenCount() {
        return conversation == null ? 0 : conversation.length;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
