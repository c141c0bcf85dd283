package org.medgemma4j.vision;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.tensor.TensorFormats;
import org.medgemma4j.tensor.WeightMatrix;

/**
 * The tensors of a Gemma 3 mmproj, read in place from the mapped file: matrices in whatever type the file
 * holds them (F32, F16, BF16, Q8_0 with F16 for the rows Q8_0 cannot hold), vectors decoded to floats.
 * Files from older converters swap ffn_up and ffn_down; as llama.cpp does, the shapes decide. Tensors are
 * named as in an mmproj; the {@link VisionLayout} finds them under Ollama's names in a model file.
 */
public final class VisionWeights {

    /** One encoder block. fc1 maps width to ff, fc2 back. */
    public record Block(float[] ln1Weight, float[] ln1Bias, WeightMatrix q, float[] qBias, WeightMatrix k, float[] kBias,
                        WeightMatrix v, float[] vBias, WeightMatrix out, float[] outBias, float[] ln2Weight,
                        float[] ln2Bias, WeightMatrix fc1, float[] fc1Bias, WeightMatrix fc2, float[] fc2Bias) {
    }

    /** The patch convolution as a matrix: one row of 3 x p x p weights (channel, row, column) per output. */
    public final WeightMatrix patchEmbedding;
    public final float[] patchBias;
    /** [patches][width], row = patch index in row-major order. */
    public final float[] positionEmbedding;
    public final List<Block> blocks;
    public final float[] postNormWeight;
    public final float[] postNormBias;
    public final float[] softEmbNorm;
    /** [projectionDim][width]: the file stores it transposed ([width][projectionDim]); turned once at load. */
    public final WeightMatrix inputProjection;
    private final Arena arena;

    private final VisionLayout layout;

    VisionWeights(GgufFile file, VisionLayout layout, VisionConfig c, Arena arena) throws GgufException {
        this.arena = arena;
        this.layout = layout;
        int d = c.width();
        int p = c.patchSize();
        patchEmbedding = matrix(file, "v.patch_embd.weight", d, c.patchLength(), new long[] {p, p, 3, d});
        patchBias = optionalVector(file, "v.patch_embd.bias", d);
        positionEmbedding = vector(file, "v.position_embd.weight", (long) d * c.patchCount());
        List<Block> list = new ArrayList<>();
        for (int l = 0; l < c.blockCount(); l++) {
            String b = "v.blk." + l + ".";
            String up = b + "ffn_up";
            String down = b + "ffn_down";
            GgufTensorInfo upInfo = require(file, up + ".weight");
            if (upInfo.dim(0) != d) {
                // an old file: "ffn_up" holds fc2 (ff -> width) and "ffn_down" fc1
                String t = up;
                up = down;
                down = t;
            }
            list.add(new Block(
                    vector(file, b + "ln1.weight", d), vector(file, b + "ln1.bias", d),
                    matrix(file, b + "attn_q.weight", d, d, null), vector(file, b + "attn_q.bias", d),
                    matrix(file, b + "attn_k.weight", d, d, null), vector(file, b + "attn_k.bias", d),
                    matrix(file, b + "attn_v.weight", d, d, null), vector(file, b + "attn_v.bias", d),
                    matrix(file, b + "attn_out.weight", d, d, null), vector(file, b + "attn_out.bias", d),
                    vector(file, b + "ln2.weight", d), vector(file, b + "ln2.bias", d),
                    matrix(file, up + ".weight", c.feedForwardLength(), d, null), vector(file, up + ".bias", c.feedForwardLength()),
                    matrix(file, down + ".weight", d, c.feedForwardLength(), null), vector(file, down + ".bias", d)));
        }
        blocks = List.copyOf(list);
        postNormWeight = vector(file, "v.post_ln.weight", d);
        postNormBias = vector(file, "v.post_ln.bias", d);
        softEmbNorm = vector(file, "mm.soft_emb_norm.weight", d);
        inputProjection = transposed(file, "mm.input_projection.weight", d, c.projectionDim());
    }

    private GgufTensorInfo require(GgufFile file, String name) throws GgufException {
        String stored = layout.tensorName(name);
        GgufTensorInfo t = file.tensor(stored);
        if (t == null) {
            throw new GgufException(file.path(), "lacks tensor " + stored + " (not a Gemma 3 vision projector?)");
        }
        return t;
    }

    private WeightMatrix matrix(GgufFile file, String name, int rows, int cols, long[] dims) throws GgufException {
        GgufTensorInfo t = require(file, name);
        if (t.elementCount() != (long) rows * cols || t.dim(0) != (dims == null ? cols : dims[0])) {
            throw new GgufException(file.path(), t.name() + " has shape " + t.shapeString() + ", expected " + rows + " rows of " + cols);
        }
        checkType(file, t);
        return new WeightMatrix(name, t.type(), file.data(t), rows, cols);
    }

    private static void checkType(GgufFile file, GgufTensorInfo t) throws GgufException {
        if (!TensorFormats.isSupported(t.type())) {
            throw new GgufException(file.path(), t.name() + " is stored as " + t.type() + ", which is not supported");
        }
    }

    private float[] vector(GgufFile file, String name, long n) throws GgufException {
        GgufTensorInfo t = require(file, name);
        if (t.elementCount() != n) {
            throw new GgufException(file.path(), t.name() + " has " + t.elementCount() + " elements, expected " + n);
        }
        checkType(file, t);
        float[] out = new float[Math.toIntExact(n)];
        TensorFormats.of(t.type()).dequantize(file.data(t), 0, out, 0, out.length);
        return out;
    }

    private float[] optionalVector(GgufFile file, String name, int n) throws GgufException {
        return file.tensor(layout.tensorName(name)) == null ? new float[n] : vector(file, name, n);
    }

    /**
     * A [width][outputs] tensor as an [outputs][width] matrix in the same type. llama.cpp multiplies with
     * ggml_cont(ggml_transpose(w)), which keeps F16 as F16, so the product rounds activations as for F16.
     */
    private WeightMatrix transposed(GgufFile file, String name, int width, int outputs) throws GgufException {
        GgufTensorInfo t = require(file, name);
        if (t.elementCount() != (long) width * outputs || t.dim(0) != outputs) {
            throw new GgufException(file.path(), t.name() + " has shape " + t.shapeString() + ", expected [" + outputs + ", " + width
                    + "] (the projection width must equal the text model's embedding length)");
        }
        checkType(file, t);
        float[] src = new float[width * outputs];
        TensorFormats.of(t.type()).dequantize(file.data(t), 0, src, 0, src.length);
        // keep F16/BF16/F32 as they are; a quantized projection (never shipped) is widened to F32
        GgmlType type = switch (t.type()) {
            case F16, BF16, F32 -> t.type();
            default -> GgmlType.F32;
        };
        MemorySegment seg = arena.allocate(type.bytesFor((long) width * outputs), 64);
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < width; i++) {
                float x = src[i * outputs + o];
                long at = (long) o * width + i;
                switch (type) {
                    case F16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at * 2, Float.floatToFloat16(x));
                    case BF16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at * 2, (short) (Float.floatToRawIntBits(x) >>> 16));
                    default -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at * 4, x);
                }
            }
        }
        return new WeightMatrix(name, type, seg, outputs, width);
    }

    /** Bytes of the weights as stored in the file. */
    public long byteSize() {
        long n = patchEmbedding.byteSize() + inputProjection.byteSize() + 4L * positionEmbedding.length;
        for (Block b : blocks) {
            n += b.q().byteSize() + b.k().byteSize() + b.v().byteSize() + b.out().byteSize() + b.fc1().byteSize() + b.fc2().byteSize();
        }
        return n;
    }
}
