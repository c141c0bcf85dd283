package org.medgemma4j.retrieval;

/**
 * What counts as relevant enough to answer from. A hit must
 * <ul>
 * <li>contain at least {@code minCoverage} of the question's information, each analysed query term counted
 *     by its BM25 IDF (a rare term such as "pembrolizumab" weighs far more than "patients"), and</li>
 * <li>share at least {@code minEvidence} of rare vocabulary with it: the matched terms' IDF over the IDF
 *     of a term found in one passage only. A two-word question whose words are both mildly common
 *     ("population of Canada") can be fully covered by an unrelated abstract; it carries too little
 *     evidence to pass.</li>
 * </ul>
 * Both are on a 0..1-like scale for every question and every index size, unlike a raw BM25 score;
 * docs/retrieval.md gives the measurements behind the defaults.
 */
public record RelevanceFloor(double minCoverage, double minEvidence) {

    /** The default, measured on PubMedQA (docs/retrieval.md). */
    public static final RelevanceFloor DEFAULT = new RelevanceFloor(0.3, 1.75);

    /** Accepts every hit (plain search). */
    public static final RelevanceFloor NONE = new RelevanceFloor(0, 0);

    public RelevanceFloor {
        if (!(minCoverage >= 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException("the relevance floor's coverage is a share of the query, 0..1, got " + minCoverage);
        }
        if (!(minEvidence >= 0)) {
            throw new IllegalArgumentException("the relevance floor's evidence must be >= 0, got " + minEvidence);
        }
    }

    public boolean accepts(Hit h) {
        return h.coverage() >= minCoverage && h.evidence() >= minEvidence;
    }
}
