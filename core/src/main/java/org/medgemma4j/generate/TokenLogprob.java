package org.medgemma4j.generate;

/**
 * A generated token's log-probability under the model's full distribution (log-softmax of the raw logits it
 * was sampled from, before penalties, grammar and sampling filters, as OpenAI and llama.cpp's server report
 * them), with the most likely alternatives at that position.
 *
 * @param token        the sampled token
 * @param logprob      its natural-log probability
 * @param topTokens    the most likely tokens, most likely first (as many as asked for)
 * @param topLogprobs  their log-probabilities, in the same order
 */
public record TokenLogprob(int token, float logprob, int[] topTokens, float[] topLogprobs) {

    /**
     * Log-probabilities from {@code logits} (not modified): the token's and the {@code top} largest. Uses a
     * max-shifted sum in double precision, so large logits do not overflow.
     */
    public static TokenLogprob of(float[] logits, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logSum = max + Math.log(sum);
        int[] best = new int[top];
        int n = 0;
        for (int i = 0; i < logits.length && top > 0; i++) {
            if (n < top || logits[i] > logits[best[n - 1]]) {
                // insertion into the sorted short list; ties keep the lower id first
                int at = n < top ? n++ : n - 1;
                while (at > 0 && logits[best[at - 1]] < logits[i]) {
                    best[at] = best[at - 1];
                    at--;
                }
                best[at] = i;
            }
        }
        float[] bestLogprobs = new float[n];
        for (int i = 0; i < n; i++) {
            bestLogprobs[i] = (float) (logits[best[i]] - logSum);
        }
        return new TokenLogprob(token, (float) (logits[token] - logSum), java.util.Arrays.copyOf(best, n), bestLogprobs);
    }
}
