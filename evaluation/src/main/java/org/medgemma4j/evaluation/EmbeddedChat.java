package org.medgemma4j.evaluation;

import java.util.List;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import org.medgemma4j.sampling.SamplingParams;

/** The embedded engine as a chat backend: one session, one question at a time. */
public final class EmbeddedChat implements ChatBackend {

    private final LoadedModel model;
    private final Session session;
    private final SamplingParams sampling;

    /** Uses (does not own) the model and session. */
    public EmbeddedChat(LoadedModel model, Session session, SamplingParams sampling) {
        this.model = model;
        this.session = session;
        this.sampling = sampling;
    }

    @Override
    public synchronized String reply(String userMessage, int maxTokens) {
        int[] prompt = model.template().encode(List.of(ChatMessage.user(userMessage)), true);
        GenerationResult r = session.generate(prompt, GenerationOptions.of(maxTokens, sampling), TokenStream.NONE);
        // keep the thinking in the record, marked as MedGemma marks it, for the parser to strip
        return r.thinking().isEmpty() ? r.text() : "<unused94>" + r.thinking() + "<unused95>" + r.text();
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public String modelName() {
        return model.model().config().name();
    }

    @Override
    public void close() {
    }
}
