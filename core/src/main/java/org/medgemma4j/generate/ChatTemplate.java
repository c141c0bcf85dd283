package org.medgemma4j.generate;

import java.util.List;
import org.medgemma4j.tokenizer.IntList;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * Gemma 3's chat template (the tokenizer_config.json Jinja template, as llama.cpp applies it):
 *
 * <pre>
 * &lt;bos&gt;&lt;start_of_turn&gt;user\n{system}\n\n{first user message}&lt;end_of_turn&gt;\n
 * &lt;start_of_turn&gt;model\n{assistant message}&lt;end_of_turn&gt;\n ... &lt;start_of_turn&gt;model\n
 * </pre>
 *
 * The system message is folded into the first user turn, roles must alternate, message text is trimmed.
 * Control tokens come from the template only: text inside messages is tokenized without special-token
 * parsing, so a message cannot forge a turn boundary.
 */
public final class ChatTemplate {

    private final Tokenizer tokenizer;
    private final int bos;
    private final int startOfTurn;
    private final int endOfTurn;

    public ChatTemplate(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        Vocabulary v = tokenizer.vocabulary();
        this.bos = v.bos();
        this.startOfTurn = v.startOfTurn();
        this.endOfTurn = v.endOfTurn();
        if (startOfTurn == Vocabulary.NONE || endOfTurn == Vocabulary.NONE) {
            throw new IllegalArgumentException("the vocabulary has no <start_of_turn>/<end_of_turn>: not a Gemma 3 chat model");
        }
    }

    /**
     * Tokenizes the text of one turn into {@code out}, whose next token goes at position {@code base + out.size()}
     * of the conversation: {@code lead} is
     * "speaker\n" and, in the first user turn, the folded system message; {@code content} is the message's
     * own text, trimmed. Images enter a prompt here (see org.medgemma4j.vision.ImageChat).
     */
    @FunctionalInterface
    public interface TurnText {
        void append(IntList out, int base, int message, String lead, String content);
    }

    /** Plain text turns: lead and content tokenized as one fragment, without special-token parsing. */
    private TurnText plainText() {
        return (out, base, message, lead, content) -> out.addAll(tokenizer.encode(lead + content, false, false));
    }

    /** The prompt tokens of a conversation, ending with the model's turn opened when {@code addGenerationPrompt}. */
    public int[] encode(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return encode(messages, addGenerationPrompt, plainText());
    }

    /** As {@link #encode(List, boolean)}, each turn's text tokenized by {@code text}. */
    public int[] encode(List<ChatMessage> messages, boolean addGenerationPrompt, TurnText text) {
        List<Turn> turns = turns(messages, addGenerationPrompt);
        IntList out = new IntList();
        out.add(bos);
        for (Turn t : turns) {
            appendTurn(out, 0, t, text);
        }
        if (addGenerationPrompt) {
            out.add(startOfTurn);
            out.addAll(tokenizer.encode("model\n", false, false));
        }
        return out.toArray();
    }

    /** The tokens that continue a conversation after the model's answer: the answer's end, then a user turn. */
    public int[] encodeFollowUp(String userMessage) {
        return encodeFollowUp(userMessage, 0, plainText());
    }

    /**
     * As {@link #encodeFollowUp(String)}, the user's text tokenized by {@code text}; {@code offset} is where
     * the follow-up starts in the conversation (the token count so far), so that {@code text} sees the
     * conversation's positions.
     */
    public int[] encodeFollowUp(String userMessage, int offset, TurnText text) {
        IntList out = new IntList();
        out.add(endOfTurn);
        out.addAll(tokenizer.encode("\n", false, false));
        appendTurn(out, offset, new Turn("user", "", userMessage.strip(), 0), text);
        out.add(startOfTurn);
        out.addAll(tokenizer.encode("model\n", false, false));
        return out.toArray();
    }

    /** The conversation as text, as the Jinja template renders it (for display and the server's /api/show). */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder("<bos>");
        for (Turn t : turns(messages, addGenerationPrompt)) {
            sb.append("<start_of_turn>").append(t.speaker).append('\n').append(t.prefix).append(t.content).append("<end_of_turn>\n");
        }
        if (addGenerationPrompt) {
            sb.append("<start_of_turn>model\n");
        }
        return sb.toString();
    }

    /** A whole turn: start, "speaker\n" + text (one fragment for plain text), end, newline. */
    private void appendTurn(IntList out, int base, Turn t, TurnText text) {
        out.add(startOfTurn);
        text.append(out, base, t.message, t.speaker + "\n" + t.prefix, t.content);
        out.add(endOfTurn);
        out.addAll(tokenizer.encode("\n", false, false));
    }

    /** A turn: who speaks, the folded system message ("" if none), the message's text, its index in the messages. */
    private record Turn(String speaker, String prefix, String content, int message) {
    }

    /** Validates the roles and folds the system message into the first user turn. */
    private static List<Turn> turns(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        String system = null;
        int first = 0;
        if (messages.getFirst().role() == Role.SYSTEM) {
            system = messages.getFirst().content();
            first = 1;
        }
        java.util.ArrayList<Turn> turns = new java.util.ArrayList<>();
        for (int i = first; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            Role expected = (i - first) % 2 == 0 ? Role.USER : Role.ASSISTANT;
            if (m.role() == Role.SYSTEM) {
                throw new IllegalArgumentException("a system message may only come first");
            }
            if (m.role() != expected) {
                throw new IllegalArgumentException("conversation roles must alternate user/assistant/user/...: message "
                        + (i + 1) + " is " + m.role().name().toLowerCase(java.util.Locale.ROOT));
            }
            String prefix = i == first && system != null ? system + "\n\n" : "";
            turns.add(new Turn(m.role() == Role.USER ? "user" : "model", prefix, m.content().strip(), i));
        }
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs a user message");
        }
        if (addGenerationPrompt && messages.getLast().role() != Role.USER) {
            throw new IllegalArgumentException("the last message must be from the user for the model to answer");
        }
        return turns;
    }
}
