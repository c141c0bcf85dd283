package org.medgemma4j.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score(d) = sum over lists of 1 / (k + rank(d)), ranks from
 * 1. Uses only ranks, so BM25 scores and cosines need no common scale. k = 60 as in Lucene, Elasticsearch
 * and OpenSearch (MedRAG uses 100).
 */
public final class RankFusion {

    public static final int DEFAULT_K = 60;

    private RankFusion() {
    }

    public static List<Hit> fuse(List<List<Hit>> lists, int k, int limit) {
        Map<String, Hit> first = new LinkedHashMap<>();
        Map<String, Double> score = new LinkedHashMap<>();
        for (List<Hit> list : lists) {
            for (int i = 0; i < list.size(); i++) {
                Hit h = list.get(i);
                String id = h.passage().id();
                first.putIfAbsent(id, h);
                // keep a computed coverage over an unknown one (vector hits carry NaN)
                if (Double.isNaN(first.get(id).coverage()) && !Double.isNaN(h.coverage())) {
                    first.put(id, h);
                }
                score.merge(id, 1.0 / (k + i + 1), Double::sum);
            }
        }
        List<Hit> out = new ArrayList<>();
        for (var e : first.entrySet()) {
            out.add(e.getValue().withScore(score.get(e.getKey())));
        }
        out.sort(Comparator.comparingDouble(Hit::score).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }
}
