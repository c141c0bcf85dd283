package org.medgemma4j.retrieval;

/**
 * One search result.
 *
 * @param passage  what was found
 * @param score    the ranking score: BM25, cosine similarity, or the reciprocal-rank-fusion score
 * @param coverage the share of the query's information (terms weighted by IDF) the passage contains, 0..1;
 *                 NaN when not computed (a vector hit before fusion)
 * @param evidence how much rare vocabulary the passage shares with the query: the IDF of the query terms
 *                 it contains, summed and divided by the IDF of a term found in a single passage (so 1.0 is
 *                 one perfectly rare term, whatever the index size)
 */
public record Hit(Passage passage, double score, double coverage, double evidence) {

    public Hit withScore(double s) {
        return new Hit(passage, s, coverage, evidence);
    }

    public Hit withMatch(Match m) {
        return new Hit(passage, score, m.coverage(), m.evidence());
    }

    /** How a passage matches a query's terms (see the fields of {@link Hit}). */
    public record Match(double coverage, double evidence) {
        public static final Match UNKNOWN = new Match(Double.NaN, Double.NaN);
    }
}
