package org.medgemma4j.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * llama.cpp's tokenizer_st_partition: cuts special tokens out of raw text before the SentencePiece
 * pass. llama.cpp takes the special tokens one at a time, longest (in UTF-8 bytes) first, and cuts
 * every occurrence, left to right, that still lies wholly in uncut text. This does the same in one
 * scan: a trie finds every occurrence, then occurrences are accepted in that priority order.
 *
 * <p>llama.cpp sorts tokens of equal length in no defined order; they could only compete if one's end
 * overlapped the other's start, which no two equally long Gemma 3 special tokens do. Ties go by id here.
 */
final class SpecialTokenSplitter {

    /** A cut-out special token, or raw text when {@code token} is {@link Vocabulary#NONE}. */
    record Fragment(int start, int end, int token) {
    }

    private static final class Node {
        final Map<Character, Node> children = new HashMap<>();
        int token = Vocabulary.NONE;
    }

    private final Vocabulary vocab;
    private final Node root = new Node();
    private final int[] rank;
    private final int[] byPriority;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        int[] specials = IntStream.range(0, vocab.size()).filter(id -> vocab.type(id).isSpecial()).toArray();
        int[] bytes = new int[vocab.size()];
        for (int id : specials) {
            bytes[id] = vocab.byteLength(id);
        }
        byPriority = IntStream.of(specials).boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> -bytes[id]).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue).toArray();
        rank = new int[vocab.size()];
        for (int r = 0; r < byPriority.length; r++) {
            rank[byPriority[r]] = r;
            insert(byPriority[r]);
        }
    }

    private void insert(int id) {
        Node node = root;
        String text = vocab.text(id);
        for (int i = 0; i < text.length(); i++) {
            node = node.children.computeIfAbsent(text.charAt(i), c -> new Node());
        }
        node.token = id;
    }

    /** The text cut into raw and special fragments, in order; control and unknown tokens only if asked. */
    List<Fragment> split(String text, boolean parseSpecial) {
        // Occurrence starts per token, grouped by the token's priority rank.
        TreeMap<Integer, IntList> byRank = new TreeMap<>();
        for (int i = 0; i < text.length(); i++) {
            Node node = root;
            for (int j = i; j < text.length() && (node = node.children.get(text.charAt(j))) != null; j++) {
                if (node.token != Vocabulary.NONE && (parseSpecial || !vocab.type(node.token).needsParseSpecial())) {
                    byRank.computeIfAbsent(rank[node.token], r -> new IntList()).add(i);
                }
            }
        }
        if (byRank.isEmpty()) {
            return text.isEmpty() ? List.of() : List.of(new Fragment(0, text.length(), Vocabulary.NONE));
        }
        BitSet cut = new BitSet(text.length());
        int[] tokenAt = new int[text.length()];
        for (Map.Entry<Integer, IntList> e : byRank.entrySet()) {
            int token = byPriority[e.getKey()];
            IntList starts = e.getValue();
            int len = vocab.text(token).length();
            for (int k = 0; k < starts.size(); k++) {
                int s = starts.get(k);
                int firstCut = cut.nextSetBit(s);
                if (firstCut < 0 || firstCut >= s + len) {
                    cut.set(s, s + len);
                    tokenAt[s] = token + 1; // 0 marks "no token starts here"
                }
            }
        }
        List<Fragment> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (tokenAt[i] != 0) {
                int token = tokenAt[i] - 1;
                int end = i + vocab.text(token).length();
                out.add(new Fragment(i, end, token));
                i = end;
            } else {
                int end = cut.nextSetBit(i);
                end = end < 0 ? text.length() : end;
                out.add(new Fragment(i, end, Vocabulary.NONE));
                i = end;
            }
        }
        return out;
    }
}
