package org.medgemma4j.privacy.deid;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Scores found spans against the PhysioNet gold spans the way the deid package's stats do: a gold span is
 * found when some found span overlaps it (recall), a found span is right when it overlaps some gold span
 * (precision). Overlap here means sharing at least one character; deid's stat.pm also counts spans that
 * only touch end to start, which can only raise its figures.
 */
public final class PhiScorer {

    /** Recall and precision of one part of the corpus, with recall per gold category. */
    public record Score(int goldSpans, int goldFound, int foundSpans, int foundRight, Map<String, CategoryScore> perCategory,
                        int notes, int characters) {

        public double recall() {
            return goldSpans == 0 ? 1 : (double) goldFound / goldSpans;
        }

        public double precision() {
            return foundSpans == 0 ? 1 : (double) foundRight / foundSpans;
        }

        /** The score of both parts together (disjoint parts of one corpus). */
        public Score plus(Score o) {
            Map<String, CategoryScore> cats = new TreeMap<>(perCategory);
            o.perCategory.forEach((k, v) -> cats.merge(k, v, (a, b) -> new CategoryScore(a.gold() + b.gold(), a.found() + b.found())));
            return new Score(goldSpans + o.goldSpans, goldFound + o.goldFound, foundSpans + o.foundSpans, foundRight + o.foundRight,
                    cats, notes + o.notes, characters + o.characters);
        }
    }

    public record CategoryScore(int gold, int found) {
        public double recall() {
            return gold == 0 ? 1 : (double) found / gold;
        }
    }

    private PhiScorer() {
    }

    /** Runs {@code deid} over the notes {@code include} accepts and scores it. */
    public static Score score(PhysioNetCorpus corpus, Deidentifier deid, Predicate<PhysioNetCorpus.NoteId> include) {
        int gold = 0;
        int goldFound = 0;
        int found = 0;
        int right = 0;
        int notes = 0;
        int chars = 0;
        Map<String, int[]> perCategory = new TreeMap<>();
        for (PhysioNetCorpus.Note note : corpus.notes()) {
            if (!include.test(note.id())) {
                continue;
            }
            notes++;
            chars += note.text().length();
            List<PhiSpan> spans = deid.find(note.text());
            List<PhysioNetCorpus.GoldSpan> golds = corpus.goldOf(note.id());
            for (PhysioNetCorpus.GoldSpan g : golds) {
                boolean hit = spans.stream().anyMatch(s -> s.start() < g.end() && g.start() < s.end());
                gold++;
                int[] c = perCategory.computeIfAbsent(g.category(), k -> new int[2]);
                c[0]++;
                if (hit) {
                    goldFound++;
                    c[1]++;
                }
            }
            for (PhiSpan s : spans) {
                found++;
                if (golds.stream().anyMatch(g -> s.start() < g.end() && g.start() < s.end())) {
                    right++;
                }
            }
        }
        Map<String, CategoryScore> cats = new TreeMap<>();
        perCategory.forEach((k, v) -> cats.put(k, new CategoryScore(v[0], v[1])));
        return new Score(gold, goldFound, found, right, cats, notes, chars);
    }
}
