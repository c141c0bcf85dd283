package org.medgemma4j.sampling;

/**
 * How the next token is chosen. Defaults are Gemma 3's generation config (temperature 1.0, top_k 64,
 * top_p 0.95) plus llama.cpp's for the rest. A temperature of 0 means greedy (argmax).
 *
 * @param topK          keep the k most likely tokens; 0 keeps all
 * @param topP          keep the smallest set whose probability reaches p; 1 keeps all
 * @param minP          drop tokens less likely than minP times the most likely; 0 keeps all
 * @param repeatPenalty divide positive (multiply negative) logits of recently seen tokens; 1 disables
 * @param repeatLastN   how many recent tokens the penalty looks at; 0 disables, -1 the whole context
 * @param seed          random seed; the same seed gives the same output
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty,
                             int repeatLastN, long seed) {

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (!(repeatPenalty > 0) || Float.isInfinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeat_penalty must be a finite number > 0, got " + repeatPenalty);
        }
        if (repeatLastN < -1) {
            throw new IllegalArgumentException("repeat_last_n must be >= -1, got " + repeatLastN);
        }
    }

    /** Gemma 3's defaults with a given seed. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(1.0f, 64, 0.95f, 0.0f, 1.0f, 64, seed);
    }

    /** Always the most likely token. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 64, 0.95f, 0.0f, 1.0f, 64, 0);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, k, topP, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplingParams withTopP(float p) {
        return new SamplingParams(temperature, topK, p, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplingParams withMinP(float p) {
        return new SamplingParams(temperature, topK, topP, p, repeatPenalty, repeatLastN, seed);
    }

    public SamplingParams withRepeatPenalty(float penalty, int lastN) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, lastN, seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s);
    }
}
