package org.medgemma4j.grammar;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * Keeps one sequence's answer inside a grammar: before each sample {@link #mask} sets the logits of the
 * tokens that would leave it to -infinity, and {@link #accept} advances with the token chosen. The end of
 * turn is allowed only where the grammar's text is complete, and {@link #complete} says when nothing can
 * follow (then generation stops). A thinking block ({@code <unused94>...<unused95>}) may open the answer;
 * it is not constrained, but it cannot end the turn, and once it has taken its budget of tokens it is
 * closed, so that the answer keeps room.
 *
 * <p>The tokens a grammar state allows are found by walking the vocabulary's {@link TokenTrie} together
 * with the {@link GrammarAutomaton}, and cached per state (the most recent {@value #CACHED_MASKS}), so a
 * state met again costs only applying the mask.
 */
public final class TokenConstraint {

    private static final int CACHED_MASKS = 256;

    private enum Phase { BEFORE_ANSWER, THINKING, ANSWER }

    private final GrammarAutomaton automaton;
    private final TokenTrie trie;
    private final int thinkStart;
    private final int thinkEnd;
    private final int eos;
    private final int endOfTurn;
    private final Map<GrammarAutomaton.State, long[]> masks = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GrammarAutomaton.State, long[]> eldest) {
            return size() > CACHED_MASKS;
        }
    };
    private final Tokenizer tokenizer;
    private GrammarAutomaton.State state;
    private Phase phase = Phase.BEFORE_ANSWER;
    private final int thinkingBudget;
    private int thinkingTokens;
    private long maskNanos;
    private int masked;
    private int walks;

    public TokenConstraint(Grammar grammar, Tokenizer tokenizer) {
        this(grammar, tokenizer, -1);
    }

    /** @param thinkingBudget the most tokens a thinking block may take before it is closed; -1 for no limit */
    public TokenConstraint(Grammar grammar, Tokenizer tokenizer, int thinkingBudget) {
        this.thinkingBudget = thinkingBudget;
        this.automaton = new GrammarAutomaton(grammar);
        this.trie = TokenTrie.of(tokenizer);
        this.tokenizer = tokenizer;
        Vocabulary v = tokenizer.vocabulary();
        this.thinkStart = v.id("<unused94>");
        this.thinkEnd = v.id("<unused95>");
        this.eos = v.eos();
        this.endOfTurn = v.endOfTurn();
        this.state = automaton.start;
    }

    /** Sets the logits of every token that cannot come next to -infinity. */
    public void mask(float[] logits) {
        long t0 = System.nanoTime();
        if (phase == Phase.THINKING && thinkingBudget >= 0 && thinkingTokens >= thinkingBudget) {
            float end = logits[thinkEnd];
            Arrays.fill(logits, Float.NEGATIVE_INFINITY);
            logits[thinkEnd] = end;
        } else if (phase == Phase.THINKING) {
            block(logits, eos);
            block(logits, endOfTurn);
        } else {
            float saved = mayThink() ? logits[thinkStart] : 0f;
            long[] allowed = allowed(state);
            int n = Math.min(logits.length, trie.vocabSize);
            for (int w = 0; w < allowed.length; w++) {
                long bits = allowed[w];
                if (bits == -1L) {
                    continue;
                }
                int base = w << 6;
                for (int i = 0; i < 64 && base + i < n; i++) {
                    if ((bits & (1L << i)) == 0) {
                        logits[base + i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            for (int i = n; i < logits.length; i++) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
            if (mayThink()) {
                logits[thinkStart] = saved;
            }
        }
        maskNanos += System.nanoTime() - t0;
        masked++;
    }

    private static void block(float[] logits, int token) {
        if (token >= 0 && token < logits.length) {
            logits[token] = Float.NEGATIVE_INFINITY;
        }
    }

    /** The answer has not started, so it may open with a thinking block. */
    private boolean mayThink() {
        return phase == Phase.BEFORE_ANSWER && thinkStart != Vocabulary.NONE && thinkStart < trie.vocabSize;
    }

    /** Whether {@code token} may come next. */
    public boolean allows(int token) {
        if (phase == Phase.THINKING) {
            boolean overBudget = thinkingBudget >= 0 && thinkingTokens >= thinkingBudget;
            return overBudget ? token == thinkEnd : token != eos && token != endOfTurn;
        }
        if (token == thinkStart && mayThink()) {
            return true;
        }
        long[] allowed = allowed(state);
        return token >= 0 && token < trie.vocabSize && (allowed[token >> 6] & (1L << token)) != 0;
    }

    /** Advances past the token chosen; a token {@link #mask} did not allow is an error. */
    public void accept(int token) {
        if (phase == Phase.THINKING) {
            if (!allows(token)) {
                throw new IllegalStateException("token " + token + " cannot come in the thinking block now");
            }
            thinkingTokens++;
            if (token == thinkEnd) {
                phase = Phase.ANSWER;
            }
            return;
        }
        if (!allows(token)) {
            throw new IllegalStateException("token " + token + " does not continue the grammar");
        }
        if (token == thinkStart && mayThink()) {
            phase = Phase.THINKING;
            return;
        }
        if (token == eos || token == endOfTurn) {
            return;
        }
        phase = Phase.ANSWER;
        GrammarAutomaton.State s = state;
        for (byte b : tokenizer.piece(token, false)) {
            s = automaton.next(s, b & 0xFF);
        }
        state = s;
    }

    /** The answer is a complete text of the grammar and nothing may follow it. */
    public boolean complete() {
        return phase != Phase.THINKING && state.complete();
    }

    /** The answer so far is a complete text of the grammar (more may follow). */
    public boolean accepting() {
        return phase != Phase.THINKING && state.accepting;
    }

    /** Mean time {@link #mask} took, in nanoseconds. */
    public double meanMaskNanos() {
        return masked == 0 ? 0 : (double) maskNanos / masked;
    }

    /** How many trie walks were needed (states not found in the cache). */
    public int trieWalks() {
        return walks;
    }

    private long[] allowed(GrammarAutomaton.State s) {
        long[] cached = masks.get(s);
        if (cached != null) {
            return cached;
        }
        long[] allowed = walk(s);
        if (s.accepting) {
            set(allowed, eos);
            set(allowed, endOfTurn);
        }
        if (Arrays.stream(allowed).allMatch(w -> w == 0)) {
            throw new GrammarException("no token of the vocabulary can continue the grammar here");
        }
        masks.put(s, allowed);
        return allowed;
    }

    private static void set(long[] bits, int token) {
        if (token >= 0 && (token >> 6) < bits.length) {
            bits[token >> 6] |= 1L << token;
        }
    }

    /** The tokens whose text keeps the grammar alive from {@code from}: one preorder pass over the trie. */
    private long[] walk(GrammarAutomaton.State from) {
        walks++;
        long[] allowed = new long[(trie.vocabSize + 63) >> 6];
        GrammarAutomaton.State[] path = new GrammarAutomaton.State[trie.maxDepth + 1];
        path[0] = from;
        GrammarAutomaton.State dead = automaton.dead;
        byte[] bytes = trie.bytes;
        int[] depth = trie.depth;
        int[] start = trie.tokenStart;
        int[] tokens = trie.tokens;
        int i = 1;
        while (i < trie.nodes) {
            int d = depth[i];
            GrammarAutomaton.State s = automaton.next(path[d - 1], bytes[i] & 0xFF);
            if (s == dead) {
                i = trie.subtreeEnd[i];
                continue;
            }
            path[d] = s;
            for (int t = start[i]; t < start[i + 1]; t++) {
                allowed[tokens[t] >> 6] |= 1L << tokens[t];
            }
            i++;
        }
        return allowed;
    }
}
