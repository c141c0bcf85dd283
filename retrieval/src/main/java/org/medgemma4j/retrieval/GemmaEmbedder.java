package org.medgemma4j.retrieval;

import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.embed.EmbeddingPrompt;
import org.medgemma4j.embed.Vectors;

/**
 * Passages and questions as EmbeddingGemma vectors from our own engine: passages with the document prompt
 * (title and text), questions with the query prompt, at the full size or a Matryoshka size. Passages of one
 * document share forward passes.
 */
public final class GemmaEmbedder implements PassageEmbedder {

    private final EmbeddingModel model;
    private final int dims;

    /** @param dims the vector size: the model's full size or a smaller Matryoshka one (EmbeddingGemma: 512, 256, 128) */
    public GemmaEmbedder(EmbeddingModel model, int dims) {
        if (dims < 1 || dims > model.dimensions()) {
            throw new IllegalArgumentException("--embed-dim must be 1 to " + model.dimensions() + ", got " + dims);
        }
        this.model = model;
        this.dims = dims;
    }

    @Override
    public String model() {
        return model.name();
    }

    @Override
    public int dimensions() {
        return dims;
    }

    @Override
    public float[] embedPassage(Passage p) {
        return Vectors.truncate(model.embed(prompt(p)), dims);
    }

    @Override
    public float[] embedQuery(String query) {
        return Vectors.truncate(model.embed(EmbeddingPrompt.query(query)), dims);
    }

    @Override
    public List<float[]> embedAll(List<Passage> passages) {
        List<String> texts = new ArrayList<>(passages.size());
        for (Passage p : passages) {
            texts.add(prompt(p));
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (float[] v : model.embed(texts)) {
            out.add(Vectors.truncate(v, dims));
        }
        return out;
    }

    static String prompt(Passage p) {
        return EmbeddingPrompt.document(p.title(), p.text());
    }
}
