package org.medgemma4j.server;

import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;

/**
 * Hears of every answer the server completes, on every API (serve --audit writes one audit line for each). It is
 * called on the request's thread once the last token is decoded and before the response's final line is
 * written, so it must not block: an implementation that writes files should hand the work to a thread of its
 * own. A listener that throws does not fail the request; the error is logged.
 */
@FunctionalInterface
public interface AnswerListener {

    /**
     * One answer: the model that gave it, the prompt as the model read it (the chat template applied; images
     * counted, not included), the options it ran with (the token limit as bounded by the context) and the result.
     */
    void answered(LoadedModel model, String prompt, int images, GenerationOptions options, GenerationResult result);
}
