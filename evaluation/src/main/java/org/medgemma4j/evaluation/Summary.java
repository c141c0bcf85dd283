package org.medgemma4j.evaluation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The result of a run: the one-line JSON summary and the human report. */
public record Summary(Task task, String mode, String model, Tally tally, int resumed, Optional<PublishedScores.Published> published) {

    /** {@code {"task","n","correct","unparsed","accuracy","ci95":[lo,hi], ...}} in that order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task.name());
        m.put("n", tally.n());
        m.put("correct", tally.correct());
        m.put("unparsed", tally.unparsed());
        m.put("accuracy", round(tally.accuracy()));
        double[] ci = Tally.wilson(tally.correct(), tally.n());
        m.put("ci95", new double[] {round(ci[0]), round(ci[1])});
        m.put("mode", mode);
        m.put("model", model);
        m.put("resumed", resumed);
        if (task.hasSubjects()) {
            Map<String, Object> subjects = new LinkedHashMap<>();
            tally.subjects().forEach((name, c) -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("n", c[0]);
                s.put("correct", c[1]);
                s.put("unparsed", c[2]);
                s.put("accuracy", round(c[0] == 0 ? 0 : (double) c[1] / c[0]));
                subjects.put(name, s);
            });
            m.put("subjects", subjects);
        }
        published.ifPresent(p -> {
            Map<String, Object> card = new LinkedHashMap<>();
            card.put("model", p.model());
            card.put("accuracy", p.percent() / 100);
            m.put("model_card", card);
        });
        return m;
    }

    /** The report for people: accuracy with its interval, unparsed count, subjects, and the model card's number. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        double[] ci = Tally.wilson(tally.correct(), tally.n());
        sb.append(String.format(Locale.ROOT, "%s (%s, %s): %d/%d correct = %.1f%% (95%% CI %.1f-%.1f), %d unparsed%s%n",
                task.name(), mode, model, tally.correct(), tally.n(), 100 * tally.accuracy(), 100 * ci[0], 100 * ci[1],
                tally.unparsed(), resumed > 0 ? ", " + resumed + " resumed from the results file" : ""));
        if (task.hasSubjects()) {
            tally.subjects().forEach((name, c) -> sb.append(String.format(Locale.ROOT, "  %-32s %5d items  %5.1f%%  (%d unparsed)%n",
                    name, c[0], c[0] == 0 ? 0.0 : 100.0 * c[1] / c[0], c[2])));
        }
        published.ifPresent(p -> sb.append(String.format(Locale.ROOT,
                "model card (%s, vendor-reported, prompts unpublished): %.1f%%; this run %.1f%% (%+.1f points)%n",
                p.model(), p.percent(), 100 * tally.accuracy(), 100 * tally.accuracy() - p.percent())));
        if (tally.n() > 0 && tally.unparsed() * 10 > tally.n()) {
            sb.append("note: more than 10% of answers were unreadable; read them in the --out file (try --cot or a larger --max-tokens)\n");
        }
        sb.append("Research use only: a benchmark score says nothing about fitness for any clinical decision.\n");
        return sb.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
