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

    /** @param systemPrompt folded into the first user turn; null or blank for none */
    public ChatSession(Session session, ChatTemplate template, String systemPrompt) {
        this.session = session;
        this.template = template;
        this.systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt;
    }

    /** Sends a user message and streams the model's answer. */
    public GenerationResult send(String userMessage, GenerationOptions options, TokenStream out) {
        int[] prompt;
        if (conversation == null) {
            List<ChatMessage> messages = new ArrayList<>();
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
            }
            messages.add(ChatMessage.user(userMessage));
            prompt = template.encode(messages, true);
        } else {
            prompt = concat(conversation, template.encodeFollowUp(userMessage));
        }
        GenerationResult result = session.generate(prompt, options, out);
        conversation = concat(prompt, result.tokens());
        return result;
    }

    /** Starts a new conversation (the cache is reused where the new one shares a prefix). */
    public void clear() {
        conversation = null;
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
