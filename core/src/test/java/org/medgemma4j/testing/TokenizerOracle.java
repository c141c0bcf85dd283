package org.medgemma4j.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** llama.cpp's tokenizer on many inputs: the vocabulary loads once per file ({@link LlamaOracle} keeps it). */
public final class TokenizerOracle {

    /** One llama_tokenize call. */
    public record Case(String text, boolean addBos, boolean parseSpecial) {
    }

    private TokenizerOracle() {
    }

    /** llama_tokenize's ids for each case. */
    public static List<int[]> tokenize(Path model, List<Case> cases) {
        List<int[]> out = new ArrayList<>(cases.size());
        for (Case c : cases) {
            out.add(LlamaOracle.tokenize(model, c.text(), c.addBos(), c.parseSpecial()));
        }
        return out;
    }

    /** The oracle's text of each id list (token_to_piece with special tokens rendered, joined, decoded with replacement). */
    public static List<String> detokenize(Path model, List<int[]> idLists) {
        List<String> out = new ArrayList<>(idLists.size());
        for (int[] ids : idLists) {
            out.add(LlamaOracle.detokenize(model, ids));
        }
        return out;
    }
}
