package org.medgemma4j.store.fit;

import org.medgemma4j.model.Gemma3Config;

/**
 * The engine's scratch memory (Gemma3Inference): per token of a batch, float32 rows for the residual,
 * its norm and the block output (3 x embd), Q, K, V and attention output, gate and up (2 x ff) and
 * the rope tables (2 x head_dim); plus one row of logits (vocab floats).
 *
 * bytes = 4 x (batch x (3 embd + heads kd + kvHeads kd + kvHeads vd + heads vd + 2 ff + 2 kd) + vocab)
 */
public final class ComputeBuffers {

    private ComputeBuffers() {
    }

    public static long bytes(Gemma3Config c, int batch) {
        long perToken = 3L * c.embeddingLength()
                + (long) c.headCount() * c.keyLength()
                + (long) c.headCountKv() * c.keyLength()
                + (long) c.headCountKv() * c.valueLength()
                + (long) c.headCount() * c.valueLength()
                + 2L * c.feedForwardLength()
                + 2L * c.keyLength();
        return 4 * (batch * perToken + c.vocabSize());
    }
}
