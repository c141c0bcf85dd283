package org.medgemma4j.evaluation;

import java.io.IOException;

/** Something that answers one user message with the chat template: the embedded engine or a remote server. */
public interface ChatBackend extends AutoCloseable {

    /**
     * The model's whole reply to one user message, thinking block included when the model wrote one (as
     * {@code <unused94>...<unused95>} before the answer).
     */
    String reply(String userMessage, int maxTokens) throws IOException;

    /** How many requests it serves at once with profit (1 for the embedded engine). */
    int parallelism();

    /** The model's name as the backend knows it (GGUF metadata, or the server's model id). */
    String modelName();

    @Override
    void close();
}
