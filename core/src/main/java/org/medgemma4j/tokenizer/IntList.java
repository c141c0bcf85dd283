package org.medgemma4j.tokenizer;

import java.util.Arrays;

/** A growable list of ints, to keep token lists of long prompts unboxed. */
public final class IntList {

    private int[] values = new int[16];
    private int size;

    public void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    public int get(int i) {
        return values[i];
    }

    public int size() {
        return size;
    }

    public void addAll(int[] vs) {
        for (int v : vs) {
            add(v);
        }
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
