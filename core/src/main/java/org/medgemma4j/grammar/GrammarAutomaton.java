package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grammar run as llama.cpp runs it, a set of pushdown stacks advanced one code point at a time, made
 * deterministic over bytes and cached: each distinct (set of stacks, unfinished UTF-8 character) is one
 * {@link State}, interned, whose successor for each byte is computed once. Walking a token trie through
 * these states then costs one array lookup per trie node. Stacks are hash-consed, so equal stacks are the
 * same object and a set of them is a sorted array of ids. Not thread-safe: one per sequence.
 */
final class GrammarAutomaton {

    /** A parse stack: the grammar position to match next on top, the positions to return to below. */
    static final class Stack {
        final int pos;
        final Stack below;
        final int id;

        Stack(int pos, Stack below, int id) {
            this.pos = pos;
            this.below = below;
            this.id = id;
        }
    }

    /** The stacks still alive after the bytes so far, and the part of a character still being read. */
    static final class State {
        final Stack[] stacks;
        /** The bits of an unfinished UTF-8 character, its length in bytes from bit 24; 0 when none. */
        final int partial;
        /** Continuation bytes the unfinished character still needs. */
        final int remain;
        final State[] next = new State[256];
        final boolean accepting;

        State(Stack[] stacks, int partial, int remain, Stack empty) {
            this.stacks = stacks;
            this.partial = partial;
            this.remain = remain;
            this.accepting = remain == 0 && stacks.length > 0 && stacks[0] == empty;
        }

        /** Nothing can follow: the value is complete. */
        boolean complete() {
            return accepting && stacks.length == 1;
        }
    }

    private record StateKey(int[] ids, int partial, int remain) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StateKey k && k.partial == partial && k.remain == remain && Arrays.equals(k.ids, ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids) * 31 + partial * 7 + remain;
        }
    }

    private final Grammar grammar;
    private final Map<Long, Stack> stacks = new HashMap<>();
    private final Map<StateKey, State> states = new HashMap<>();
    private final Stack empty = new Stack(-1, null, 0);
    final State dead;
    final State start;

    GrammarAutomaton(Grammar grammar) {
        this.grammar = grammar;
        this.dead = intern(new Stack[0], 0, 0);
        Set<Stack> out = new HashSet<>();
        Set<Stack> seen = new HashSet<>();
        for (int alt : grammar.alternatives(grammar.root())) {
            expand(grammar.element(alt) != Grammar.END ? push(empty, alt) : empty, out, seen);
        }
        this.start = intern(sorted(out), 0, 0);
    }

    int stateCount() {
        return states.size();
    }

    /** The state after one more byte ({@link #dead} when no string of the grammar continues so). */
    State next(State s, int b) {
        State n = s.next[b];
        if (n == null) {
            n = s == dead ? dead : step(s, b);
            s.next[b] = n;
        }
        return n;
    }

    private State step(State s, int b) {
        if (s.remain == 0) {
            if (b < 0x80) {
                return advance(s.stacks, b);
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return partial(s.stacks, b & 0x1F, 1, 2);
            }
            if (b >= 0xE0 && b <= 0xEF) {
                return partial(s.stacks, b & 0x0F, 2, 3);
            }
            if (b >= 0xF0 && b <= 0xF4) {
                return partial(s.stacks, b & 0x07, 3, 4);
            }
            return dead;
        }
        if ((b & 0xC0) != 0x80) {
            return dead;
        }
        int length = s.partial >>> 24;
        int value = ((s.partial & 0xFFFFFF) << 6) | (b & 0x3F);
        if (s.remain > 1) {
            return partial(s.stacks, value, s.remain - 1, length);
        }
        boolean overlong = (length == 3 && value < 0x800) || (length == 4 && value < 0x10000);
        if (overlong || value > CharSet.MAX || (value >= 0xD800 && value <= 0xDFFF)) {
            return dead;
        }
        return advance(s.stacks, value);
    }

    /** Part of a character read: alive while some stack's next set holds a character it could become. */
    private State partial(Stack[] from, int value, int remain, int length) {
        int lo = value << (6 * remain);
        int hi = Math.min(lo | ((1 << (6 * remain)) - 1), CharSet.MAX);
        lo = Math.max(lo, length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000); // shorter forms are overlong
        for (Stack s : from) {
            if (s != empty && grammar.set(grammar.element(s.pos)).intersects(lo, hi)) {
                return intern(from, value | (length << 24), remain);
            }
        }
        return dead;
    }

    /** The stacks after matching code point {@code cp}. */
    private State advance(Stack[] from, int cp) {
        Set<Stack> out = new HashSet<>();
        Set<Stack> seen = new HashSet<>();
        for (Stack s : from) {
            if (s != empty && grammar.set(grammar.element(s.pos)).contains(cp)) {
                Stack rest = grammar.element(s.pos + 1) != Grammar.END ? push(s.below, s.pos + 1) : s.below;
                expand(rest, out, seen);
            }
        }
        return out.isEmpty() ? dead : intern(sorted(out), 0, 0);
    }

    /** llama.cpp's advance_stack: replaces rule references on top by their alternatives until a character set is on top. */
    private void expand(Stack s, Set<Stack> out, Set<Stack> seen) {
        if (!seen.add(s)) {
            return;
        }
        if (s == empty || !Grammar.isRef(grammar.element(s.pos))) {
            out.add(s);
            return;
        }
        int rule = Grammar.refRule(grammar.element(s.pos));
        // a reference at the end of its alternative returns straight to the caller's caller (a tail call)
        Stack rest = grammar.element(s.pos + 1) != Grammar.END ? push(s.below, s.pos + 1) : s.below;
        for (int alt : grammar.alternatives(rule)) {
            expand(grammar.element(alt) != Grammar.END ? push(rest, alt) : rest, out, seen);
        }
    }

    private Stack push(Stack below, int pos) {
        long key = ((long) pos << 32) | below.id;
        Stack s = stacks.get(key);
        if (s == null) {
            s = new Stack(pos, below, stacks.size() + 1);
            stacks.put(key, s);
        }
        return s;
    }

    private static Stack[] sorted(Set<Stack> set) {
        List<Stack> list = new ArrayList<>(set);
        list.sort((a, b) -> Integer.compare(a.id, b.id));
        return list.toArray(Stack[]::new);
    }

    private State intern(Stack[] set, int partial, int remain) {
        int[] ids = new int[set.length];
        for (int i = 0; i < set.length; i++) {
            ids[i] = set[i].id;
        }
        return states.computeIfAbsent(new StateKey(ids, partial, remain), k -> new State(set, partial, remain, empty));
    }
}
