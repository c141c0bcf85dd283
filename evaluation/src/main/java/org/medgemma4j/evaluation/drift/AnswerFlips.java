package org.medgemma4j.evaluation.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.medgemma4j.evaluation.ItemResult;

/**
 * Two runs of one eval task (two quantizations of a model, each {@code eval --out}), compared item by item:
 * how many answers changed, and how many of those turned a right answer wrong or a wrong one right. Only
 * items in both files count.
 */
public record AnswerFlips(int common, int onlyInBase, int onlyInQuant, int sameChoice, int changed, int rightToWrong,
                          int wrongToRight, int baseCorrect, int quantCorrect, List<String> flippedIds) {

    public static AnswerFlips compare(Map<String, ItemResult> base, Map<String, ItemResult> quant) {
        int common = 0, same = 0, rw = 0, wr = 0, bc = 0, qc = 0;
        List<String> flipped = new ArrayList<>();
        for (Map.Entry<String, ItemResult> e : base.entrySet()) {
            ItemResult q = quant.get(e.getKey());
            if (q == null) {
                continue;
            }
            ItemResult b = e.getValue();
            if (!b.answer().equals(q.answer())) {
                throw new IllegalArgumentException("item " + e.getKey() + " has different correct answers in the two files ("
                        + b.answer() + ", " + q.answer() + "): not the same task");
            }
            common++;
            bc += b.correct() ? 1 : 0;
            qc += q.correct() ? 1 : 0;
            if (java.util.Objects.equals(b.choice(), q.choice())) {
                same++;
            } else if (b.correct() != q.correct()) {
                if (b.correct()) {
                    rw++;
                } else {
                    wr++;
                }
                flipped.add(e.getKey());
            }
        }
        if (common == 0) {
            throw new IllegalArgumentException("the two files share no item ids: not runs of the same task");
        }
        int onlyBase = base.size() - common;
        int onlyQuant = quant.size() - common;
        return new AnswerFlips(common, onlyBase, onlyQuant, same, common - same, rw, wr, bc, qc, List.copyOf(flipped));
    }

    /**
     * The exact two-sided McNemar p-value of the flips: the chance of a split at least this uneven between
     * right-to-wrong and wrong-to-right if quantization changed accuracy not at all.
     */
    public double mcnemarP() {
        int n = rightToWrong + wrongToRight;
        if (n == 0) {
            return 1;
        }
        int k = Math.min(rightToWrong, wrongToRight);
        double tail = 0;
        double logHalfN = n * Math.log(0.5);
        for (int i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(n, i) + logHalfN);
        }
        return Math.min(1, 2 * tail);
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", common);
        m.put("same_choice", sameChoice);
        m.put("changed", changed);
        m.put("right_to_wrong", rightToWrong);
        m.put("wrong_to_right", wrongToRight);
        m.put("accuracy_base", (double) baseCorrect / common);
        m.put("accuracy_quant", (double) quantCorrect / common);
        m.put("mcnemar_p", mcnemarP());
        m.put("only_in_base", onlyInBase);
        m.put("only_in_quant", onlyInQuant);
        m.put("flipped_ids", flippedIds);
        return m;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d items in both files: %d same answer, %d changed (%.1f%%)%n", common, sameChoice,
                changed, 100.0 * changed / common));
        sb.append(String.format(Locale.ROOT, "right -> wrong: %d, wrong -> right: %d (exact McNemar p = %.3g)%n", rightToWrong,
                wrongToRight, mcnemarP()));
        sb.append(String.format(Locale.ROOT, "accuracy: base %.1f%%, quant %.1f%%%n", 100.0 * baseCorrect / common,
                100.0 * quantCorrect / common));
        if (onlyInBase + onlyInQuant > 0) {
            sb.append(String.format(Locale.ROOT, "(%d items only in the base file, %d only in the quant file: not compared)%n",
                    onlyInBase, onlyInQuant));
        }
        if (!flippedIds.isEmpty()) {
            sb.append("flipped: ").append(String.join(", ", flippedIds.subList(0, Math.min(20, flippedIds.size()))))
                    .append(flippedIds.size() > 20 ? ", ..." : "").append('\n');
        }
        return sb.toString();
    }
}
