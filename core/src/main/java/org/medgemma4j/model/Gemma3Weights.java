package org.medgemma4j.model;

import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.tensor.TensorFormats;
import org.medgemma4j.tensor.WeightMatrix;

/**
 * The tensors of a Gemma 3 model, checked against the hyperparameters. Matrices stay in the mapped
 * file; only the small norm vectors are decoded to float arrays.
 */
public final class Gemma3Weights {

    /** One transformer block. */
    public record Layer(float[] attnNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v, float[] qNorm, float[] kNorm,
                        WeightMatrix attnOutput, float[] postAttentionNorm, float[] ffnNorm, WeightMatrix gate,
                        WeightMatrix up, WeightMatrix down, float[] postFfwNorm) {
    }

    public final WeightMatrix tokenEmbedding;
    public final float[] outputNorm;
    /** The output projection: a separate matrix, or the token embedding when they are tied. */
    public final WeightMatrix output;
    public final List<Layer> layers;

    private Gemma3Weights(WeightMatrix tokenEmbedding, float[] outputNorm, WeightMatrix output, List<Layer> layers) {
        this.tokenEmbedding = tokenEmbedding;
        this.outputNorm = outputNorm;
        this.output = output;
        this.layers = List.copyOf(layers);
    }

    public static Gemma3Weights load(GgufFile file, Gemma3Config c) throws GgufException {
        Loader l = new Loader(file);
        int q = c.headCount() * c.keyLength();
        int kv = c.headCountKv() * c.keyLength();
        int kvV = c.headCountKv() * c.valueLength();
        int vq = c.headCount() * c.valueLength();
        WeightMatrix embd = l.matrix("token_embd.weight", c.embeddingLength(), c.vocabSize());
        WeightMatrix out = file.tensor("output.weight") != null
                ? l.matrix("output.weight", c.embeddingLength(), c.vocabSize()) : embd;
        List<Layer> layers = new ArrayList<>(c.blockCount());
        for (int i = 0; i < c.blockCount(); i++) {
            String b = "blk." + i + ".";
            layers.add(new Layer(
                    l.vector(b + "attn_norm.weight", c.embeddingLength()),
                    l.matrix(b + "attn_q.weight", c.embeddingLength(), q),
                    l.matrix(b + "attn_k.weight", c.embeddingLength(), kv),
                    l.matrix(b + "attn_v.weight", c.embeddingLength(), kvV),
                    l.vector(b + "attn_q_norm.weight", c.keyLength()),
                    l.vector(b + "attn_k_norm.weight", c.keyLength()),
                    l.matrix(b + "attn_output.weight", vq, c.embeddingLength()),
                    l.vector(b + "post_attention_norm.weight", c.embeddingLength()),
                    l.vector(b + "ffn_norm.weight", c.embeddingLength()),
                    l.matrix(b + "ffn_gate.weight", c.embeddingLength(), c.feedForwardLength()),
                    l.matrix(b + "ffn_up.weight", c.embeddingLength(), c.feedForwardLength()),
                    l.matrix(b + "ffn_down.weight", c.feedForwardLength(), c.embeddingLength()),
                    l.vector(b + "post_ffw_norm.weight", c.embeddingLength())));
        }
        return new Gemma3Weights(embd, l.vector("output_norm.weight", c.embeddingLength()), out, layers);
    }

    /** Bytes of weight data the model reads (the tied output counted once). */
    public long byteSize() {
        long n = tokenEmbedding.byteSize() + (output == tokenEmbedding ? 0 : output.byteSize());
        for (Layer l : layers) {
            n += l.q.byteSize() + l.k.byteSize() + l.v.byteSize() + l.attnOutput.byteSize()
                    + l.gate.byteSize() + l.up.byteSize() + l.down.byteSize();
        }
        return n;
    }

    /** Looks tensors up by name and checks their shapes, with errors that name the file and tensor. */
    private record Loader(GgufFile file) {

        WeightMatrix matrix(String name, int cols, int rows) throws GgufException {
            GgufTensorInfo t = check(name, cols, rows);
            if (!TensorFormats.isSupported(t.type())) {
                throw new GgufException(file.path(), "tensor " + name + " has type " + t.type().ggmlName()
                        + ", which medgemma4j cannot compute with yet");
            }
            return new WeightMatrix(name, t.type(), file.data(t), rows, cols);
        }

        float[] vector(String name, int n) throws GgufException {
            GgufTensorInfo t = check(name, n, 1);
            if (!TensorFormats.isSupported(t.type())) {
                throw new GgufException(file.path(), "tensor " + name + " has unsupported type " + t.type().ggmlName());
            }
            float[] v = new float[n];
            TensorFormats.of(t.type()).dequantize(file.data(t), 0, v, 0, n);
            return v;
        }

        private GgufTensorInfo check(String name, long cols, long rows) throws GgufException {
            GgufTensorInfo t = file.requireTensor(name);
            if (t.dim(0) != cols || t.dim(1) != rows || t.rank() > 2) {
                throw new GgufException(file.path(), "tensor " + name + " has shape [" + t.shapeString()
                        + "], expected [" + cols + (rows == 1 ? "" : ", " + rows) + "]");
            }
            return t;
        }
    }
}
