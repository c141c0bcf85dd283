package org.medgemma4j.server;

import java.util.concurrent.ThreadLocalRandom;
import org.medgemma4j.sampling.SamplingParams;

/** Sampling settings from a request's fields over Gemma 3's defaults; out-of-range values are a 400. */
final class Sampling {

    private Sampling() {
    }

    static SamplingParams from(JsonBody o) {
        try {
            Long seed = o.integer("seed");
            SamplingParams p = SamplingParams.defaults(seed != null ? seed : ThreadLocalRandom.current().nextLong());
            Double temperature = o.number("temperature");
            if (temperature != null) {
                p = p.withTemperature(temperature.floatValue());
            }
            Long topK = o.integer("top_k");
            if (topK != null) {
                p = p.withTopK((int) Math.clamp(topK, Integer.MIN_VALUE, Integer.MAX_VALUE));
            }
            Double topP = o.number("top_p");
            if (topP != null) {
                p = p.withTopP(topP.floatValue());
            }
            Double minP = o.number("min_p");
            if (minP != null) {
                p = p.withMinP(minP.floatValue());
            }
            Double penalty = o.number("repeat_penalty");
            Long lastN = o.integer("repeat_last_n");
            if (penalty != null || lastN != null) {
                p = p.withRepeatPenalty(penalty != null ? penalty.floatValue() : p.repeatPenalty(),
                        lastN != null ? (int) Math.clamp(lastN, -2, Integer.MAX_VALUE) : p.repeatLastN());
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
