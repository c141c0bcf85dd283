package org.medgemma4j.retrieval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns passages and questions into unit vectors with one embedding model. */
public interface PassageEmbedder {

    /** The model's name, kept with the index so that its vectors are never mixed with another model's. */
    String model();

    int dimensions();

    /** A passage's vector (a document prompt: title and text). */
    float[] embedPassage(Passage p) throws IOException;

    /** A question's vector (a query prompt). */
    float[] embedQuery(String query) throws IOException;

    default List<float[]> embedAll(List<Passage> passages) throws IOException {
        List<float[]> out = new ArrayList<>(passages.size());
        for (Passage p : passages) {
            out.add(embedPassage(p));
        }
        return out;
    }
}
