package org.medgemma4j.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** A JSON request object read with type checks: a field of the wrong type is a 400 naming the field. */
final class JsonBody {

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    static JsonBody parse(ObjectMapper mapper, byte[] body) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("unreadable request body");
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiException.badRequest("the request body is empty; expected a JSON object");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return new JsonBody(object);
    }

    static JsonBody of(ObjectNode node) {
        return new JsonBody(node);
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    JsonNode raw(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    String string(String field, String fallback) {
        JsonNode v = raw(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return v.textValue();
    }

    String requiredString(String field) {
        String s = string(field, null);
        if (s == null) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return s;
    }

    boolean bool(String field, boolean fallback) {
        JsonNode v = raw(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    Double number(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.badRequest("'" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    Long integer(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw ApiException.badRequest("'" + field + "' must be an integer");
        }
        if (!v.canConvertToLong()) {
            throw ApiException.badRequest("'" + field + "' is out of range");
        }
        return v.longValue();
    }

    /** A string or an array of strings (as "stop" is given), empty when absent. */
    List<String> strings(String field) {
        JsonNode v = raw(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be a string or an array of strings");
        }
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw ApiException.badRequest("'" + field + "' must be a string or an array of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** A nested object, or an empty one when absent. */
    JsonBody object(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return new JsonBody(node.objectNode());
        }
        if (!(v instanceof ObjectNode o)) {
            throw ApiException.badRequest("'" + field + "' must be an object");
        }
        return new JsonBody(o);
    }

    /** An array field, required. */
    List<JsonNode> array(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }
}
