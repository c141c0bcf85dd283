package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Map;
import org.medgemma4j.cli.InspectCommand.ModelSummary;
import org.medgemma4j.gguf.GgufArray;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.gguf.GgufValueType;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.tensor.GgmlType;

/**
 * inspect --json: scalars in full, arrays as their count and first items, so that a 262k-token
 * vocabulary stays a few lines.
 */
final class InspectJson {

    /** Items of an array shown in full before it is cut. */
    static final int ARRAY_HEAD = 8;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InspectJson() {
    }

    static void write(GgufFile g, ModelSummary model, PrintWriter out) throws com.fasterxml.jackson.core.JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        root.put("file", g.path().toString());
        ArrayNode parts = root.putArray("parts");
        g.partPaths().forEach(p -> parts.add(p.toString()));
        root.put("file_size", g.fileBytes());
        root.put("version", g.version());
        root.put("alignment", g.alignment());
        if (model != null) {
            root.set("model", model.config() != null ? model(model.config()) : JSON.createObjectNode().put("error", model.problem()));
        }

        GgufMetadata m = g.metadata();
        ObjectNode metadata = root.putObject("metadata");
        for (Map.Entry<String, Object> e : m.asMap().entrySet()) {
            metadata.set(e.getKey(), value(m.type(e.getKey()), e.getValue()));
        }

        ArrayNode tensors = root.putArray("tensors");
        int i = 0;
        for (GgufTensorInfo t : g.tensors()) {
            ObjectNode n = tensors.addObject();
            n.put("index", i++);
            n.put("name", t.name());
            n.put("type", t.type().ggmlName());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.dims()) {
                shape.add(d);
            }
            n.put("params", t.elementCount());
            n.put("bytes", t.byteSize());
            n.put("part", t.part());
            n.put("offset", t.dataOffset());
        }

        TensorTotals totals = TensorTotals.of(g.tensors());
        root.put("total_parameters", totals.params());
        root.put("total_tensor_bytes", totals.bytes());
        ObjectNode types = root.putObject("types");
        for (Map.Entry<GgmlType, TensorTotals.TypeTotals> e : totals.byType().entrySet()) {
            types.putObject(e.getKey().ggmlName())
                    .put("count", e.getValue().count())
                    .put("params", e.getValue().params())
                    .put("bytes", e.getValue().bytes());
        }
        out.println(JSON.writeValueAsString(root)); // writeValue(out) would close the command's stream
    }

    private static ObjectNode value(GgufValueType type, Object v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", MetadataValues.typeName(type, v));
        if (v instanceof GgufArray a) {
            n.put("count", a.length());
            ArrayNode first = n.putArray("first");
            for (Object item : MetadataValues.head(a, ARRAY_HEAD)) {
                first.add(item instanceof GgufArray inner ? value(GgufValueType.ARRAY, inner) : JSON.valueToTree(item));
            }
        } else {
            n.set("value", JSON.valueToTree(MetadataValues.scalar(type, v)));
        }
        return n;
    }

    private static ObjectNode model(Gemma3Config c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("architecture", Gemma3Config.ARCH);
        n.put("name", c.name());
        n.put("layers", c.blockCount());
        n.put("width", c.embeddingLength());
        n.put("feed_forward", c.feedForwardLength());
        n.put("heads", c.headCount());
        n.put("kv_heads", c.headCountKv());
        n.put("head_dim", c.keyLength());
        n.put("context", c.contextLength());
        n.put("sliding_window", c.slidingWindow());
        n.put("global_layers", c.globalLayerCount());
        n.put("vocabulary", c.vocabSize());
        return n;
    }
}
