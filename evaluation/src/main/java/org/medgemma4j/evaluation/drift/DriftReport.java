package org.medgemma4j.evaluation.drift;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import org.medgemma4j.generate.Session;

/**
 * One drift measurement of a text: the statistics over every scored position, and over the positions whose
 * next token lies inside a drug name (when a drug vocabulary is given).
 *
 * @param drugs statistics at drug-name tokens, null without a vocabulary
 */
public record DriftReport(String base, String quant, int ctx, int chunks, int textTokens, DriftStats all,
                          int drugNames, DriftStats drugs) {

    /** Measures {@code text} with the base model's tokenizer (BOS first, as llama-perplexity tokenizes). */
    public static DriftReport measure(String baseName, Session base, String quantName, Session quant, String text, int ctx,
                                      int maxChunks, int batch, DrugNames vocabulary, IntConsumer chunkDone) {
        int[] tokens = base.tokenizer().encode(text, true, false);
        BitSet marks = null;
        int found = 0;
        if (vocabulary != null) {
            List<DrugNames.Span> spans = vocabulary.find(text);
            found = spans.size();
            marks = TokenSpans.inside(base.tokenizer(), tokens, text, spans);
        }
        DriftAccumulator all = new DriftAccumulator();
        DriftAccumulator drugs = new DriftAccumulator();
        int n = DriftMeter.chunks(tokens.length, ctx);
        int used = maxChunks > 0 ? Math.min(n, maxChunks) : n;
        new DriftMeter(base, quant, batch).measure(tokens, ctx, maxChunks, all, marks, drugs, chunkDone);
        return new DriftReport(baseName, quantName, ctx, used, tokens.length, all.stats(), found,
                vocabulary == null ? null : drugs.stats());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>(all.toJson());
        m.put("base", base);
        m.put("quant", quant);
        m.put("ctx", ctx);
        m.put("chunks", chunks);
        m.put("text_tokens", textTokens);
        if (drugs != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("names_in_text", drugNames);
            d.putAll(drugs.toJson());
            m.put("drug_names", d);
        }
        return m;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "base %s%nquant %s%n%d chunks of %d tokens (text: %d tokens), second half of each scored%n%n",
                base, quant, chunks, ctx, textTokens));
        sb.append(all.toText());
        if (drugs != null) {
            sb.append(String.format(Locale.ROOT, "%n== at tokens inside drug names (%d names in the text) ==%n", drugNames));
            sb.append(drugs.positions() == 0 ? "no scored position falls inside a drug name\n" : drugs.toText());
        }
        return sb.toString();
    }
}
