package org.medgemma4j.evaluation;

import java.util.List;
import java.util.Locale;
import org.medgemma4j.generate.Session;
import org.medgemma4j.tokenizer.Tokenizer;

/**
 * Log-likelihood mode on the embedded engine, as lm-evaluation-harness scores these tasks: the harness's prompt
 * ({@link Prompts#harness}), and the choice whose answer token (" A".." D", " yes"/" no"/" maybe") has the
 * highest logit after {@code Answer:}. Each answer is one token in Gemma's vocabulary, so the highest logit is
 * the highest log-likelihood. The raw answer records every choice's logit.
 */
public final class LoglikAnswerer implements Answerer {

    private final Task task;
    private final Session session;
    private final Tokenizer tokenizer;

    public LoglikAnswerer(Task task, Session session) {
        this.task = task;
        this.session = session;
        this.tokenizer = session.tokenizer();
    }

    /** The single token of {@code " " + choice}; an error when the vocabulary splits it. */
    public static int answerToken(Tokenizer tokenizer, String choice) {
        int[] ids = tokenizer.encode(" " + choice, false, false);
        if (ids.length != 1) {
            throw new IllegalArgumentException("\" " + choice + "\" is " + ids.length
                    + " tokens in this vocabulary: log-likelihood mode needs single-token answers");
        }
        return ids[0];
    }

    /** The prompt's tokens: BOS, then the harness's text. */
    public int[] promptTokens(Item item) {
        return tokenizer.encode(Prompts.harness(task, item), true, false);
    }

    @Override
    public synchronized ItemResult answer(Item item) {
        String prompt = Prompts.harness(task, item);
        int[] tokens = tokenizer.encode(prompt, true, false);
        session.reset();
        session.evaluate(tokens, 0, tokens.length, null);
        float[] logits = session.logits();
        List<String> choices = item.choices();
        String best = null;
        float bestLogit = Float.NEGATIVE_INFINITY;
        StringBuilder raw = new StringBuilder();
        for (String c : choices) {
            float l = logits[answerToken(tokenizer, c)];
            raw.append(raw.isEmpty() ? "" : " ").append(c).append('=').append(String.format(Locale.ROOT, "%.4f", l));
            if (l > bestLogit) { // ties keep the earlier choice, as an argmax does
                bestLogit = l;
                best = c;
            }
        }
        return ItemResult.of(item, prompt, raw.toString(), best);
    }

    @Override
    public int parallelism() {
        return 1;
    }
}
