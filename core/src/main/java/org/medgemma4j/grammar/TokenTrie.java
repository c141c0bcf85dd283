package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * The vocabulary's token texts (the bytes each adds to the answer) as a byte trie in preorder: node i has
 * its byte, its depth, the index just past its subtree, and the tokens whose text ends there. A walk over
 * it skips a whole subtree as soon as its prefix is rejected, so the tokens a grammar state allows are
 * found without looking at the 262,144 tokens one by one. Built once per vocabulary and shared.
 * Tokens that add no text (control, unused) and the thinking markers are not in it.
 */
final class TokenTrie {

    private static final Map<Tokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    final int vocabSize;
    final int nodes;
    final byte[] bytes;
    final int[] depth;
    final int[] subtreeEnd;
    /** Tokens ending at node i are tokens[tokenStart[i] .. tokenStart[i + 1]). */
    final int[] tokenStart;
    final int[] tokens;
    final int maxDepth;

    static TokenTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenTrie::new);
        }
    }

    private TokenTrie(Tokenizer tokenizer) {
        Vocabulary v = tokenizer.vocabulary();
        this.vocabSize = v.size();
        int thinkStart = v.id("<unused94>");
        int thinkEnd = v.id("<unused95>");
        List<byte[]> pieces = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        int totalBytes = 0;
        for (int id = 0; id < vocabSize; id++) {
            byte[] p = tokenizer.piece(id, false);
            if (p.length > 0 && id != thinkStart && id != thinkEnd) {
                pieces.add(p);
                ids.add(id);
                totalBytes += p.length;
            }
        }
        Integer[] order = new Integer[pieces.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(pieces.get(a), pieces.get(b)));
        byte[] nodeBytes = new byte[totalBytes + 1];
        int[] nodeDepth = new int[totalBytes + 1];
        int[] end = new int[totalBytes + 1];
        int[] start = new int[totalBytes + 2];
        int[] toks = new int[order.length];
        int longest = 0;
        for (byte[] p : pieces) {
            longest = Math.max(longest, p.length);
        }
        int[] path = new int[longest + 1];
        int n = 1; // node 0 is the root, the empty prefix
        int count = 0;
        byte[] prev = new byte[0];
        for (int k : order) {
            byte[] p = pieces.get(k);
            int common = Arrays.mismatch(prev, p);
            if (common < 0) {
                common = p.length;
            }
            for (int d = prev.length; d > common; d--) {
                end[path[d]] = n;
            }
            for (int d = common + 1; d <= p.length; d++) {
                nodeBytes[n] = p[d - 1];
                nodeDepth[n] = d;
                start[n] = count;
                path[d] = n++;
            }
            toks[count++] = ids.get(k);
            prev = p;
        }
        for (int d = prev.length; d > 0; d--) {
            end[path[d]] = n;
        }
        end[0] = n;
        start[n] = count;
        this.nodes = n;
        this.bytes = Arrays.copyOf(nodeBytes, n);
        this.depth = Arrays.copyOf(nodeDepth, n);
        this.subtreeEnd = Arrays.copyOf(end, n);
        this.tokenStart = Arrays.copyOf(start, n + 1);
        this.tokens = toks;
        this.maxDepth = longest;
    }
}
