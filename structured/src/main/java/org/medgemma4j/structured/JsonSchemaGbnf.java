package org.medgemma4j.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medgemma4j.grammar.GrammarException;

/**
 * Writes the GBNF grammar of the JSON texts a JSON Schema accepts, the way llama.cpp's
 * json-schema-to-grammar does: properties in their declared order (required ones first, then the optional
 * ones in order), whitespace bounded as llama.cpp bounds it, integers and lengths bounded. A keyword it
 * cannot honour is an error naming the keyword and where it is, never ignored. As in llama.cpp, an
 * object schema with {@code properties} and no {@code additionalProperties} gets no extra keys.
 */
final class JsonSchemaGbnf {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keywords that only describe: accepted and left alone. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "$anchor", "title",
            "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");

    /** The keywords honoured, each with the type it applies to (null: any). */
    private static final Map<String, String> KEYWORDS = new HashMap<>();

    static {
        for (String k : List.of("type", "enum", "const", "anyOf", "oneOf", "$ref")) {
            KEYWORDS.put(k, null);
        }
        for (String k : List.of("properties", "required", "additionalProperties")) {
            KEYWORDS.put(k, "object");
        }
        for (String k : List.of("items", "minItems", "maxItems")) {
            KEYWORDS.put(k, "array");
        }
        for (String k : List.of("pattern", "minLength", "maxLength", "format")) {
            KEYWORDS.put(k, "string");
        }
        for (String k : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
            KEYWORDS.put(k, "number");
        }
    }

    static final String SPACE = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";

    private static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();

    static {
        PRIMITIVES.put("space", SPACE);
        PRIMITIVES.put("boolean", "\"true\" | \"false\"");
        PRIMITIVES.put("null", "\"null\"");
        PRIMITIVES.put("decimal-part", "[0-9]{1,16}");
        PRIMITIVES.put("integral-part", "[0] | [1-9] [0-9]{0,15}");
        PRIMITIVES.put("number", "(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)?");
        PRIMITIVES.put("integer", "\"-\"? integral-part");
        // \\u escapes stop short of surrogates, which alone are not text
        PRIMITIVES.put("char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" hex-no-surrogate)");
        PRIMITIVES.put("hex-no-surrogate", "([0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2})");
        PRIMITIVES.put("string", "\"\\\"\" char* \"\\\"\"");
        PRIMITIVES.put("value", "object | array | string | number | boolean | null");
        PRIMITIVES.put("object", "\"{\" space ( string space \":\" space value (\",\" space string space \":\" space value)* )? space \"}\"");
        PRIMITIVES.put("array", "\"[\" space ( value (\",\" space value)* )? space \"]\"");
        PRIMITIVES.put("hex", "[0-9a-fA-F]");
        PRIMITIVES.put("uuid", "\"\\\"\" hex{8} \"-\" hex{4} \"-\" hex{4} \"-\" hex{4} \"-\" hex{12} \"\\\"\"");
        // day ranges per month; February stops at 28 so that every date exists
        PRIMITIVES.put("date", "[12] [0-9]{3} \"-\" ( (\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"
                + " | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\") | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]) )");
        PRIMITIVES.put("time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )?"
                + " ( \"Z\" | ( \"+\" | \"-\" ) ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )");
        PRIMITIVES.put("date-time", "date \"T\" time");
        PRIMITIVES.put("email-atom", "[a-zA-Z0-9_%+-]{1,32}");
        PRIMITIVES.put("email-label", "[a-zA-Z0-9] ([a-zA-Z0-9-]{0,30} [a-zA-Z0-9])?");
        PRIMITIVES.put("email", "email-atom (\".\" email-atom){0,3} \"@\" email-label (\".\" email-label){0,3} \".\" [a-zA-Z]{2,8}");
    }

    /** The rules each primitive refers to. */
    private static final Map<String, List<String>> DEPENDENCIES = Map.ofEntries(
            Map.entry("number", List.of("integral-part", "decimal-part")),
            Map.entry("integer", List.of("integral-part")),
            Map.entry("char", List.of("hex-no-surrogate")),
            Map.entry("string", List.of("char")),
            Map.entry("value", List.of("object", "array", "string", "number", "boolean", "null")),
            Map.entry("object", List.of("space", "string", "value")),
            Map.entry("array", List.of("space", "value")),
            Map.entry("uuid", List.of("hex")),
            Map.entry("date-time", List.of("date", "time")),
            Map.entry("email", List.of("email-atom", "email-label")));

    private static final Map<String, String> FORMATS = Map.of("date", "date", "time", "time", "date-time", "date-time",
            "email", "email", "uuid", "uuid");

    private final JsonNode root;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new HashMap<>();

    private JsonSchemaGbnf(JsonNode root) {
        this.root = root;
    }

    static String convert(JsonNode schema) {
        if (schema == null || schema.isMissingNode()) {
            throw new GrammarException("the JSON Schema is empty");
        }
        JsonSchemaGbnf c = new JsonSchemaGbnf(schema);
        c.rules.put("root", "");
        c.rules.put("root", c.expression(schema, "root", "#"));
        return c.text();
    }

    static String anyObject() {
        JsonSchemaGbnf c = new JsonSchemaGbnf(null);
        c.rules.put("root", c.primitive("object"));
        return c.text();
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        rules.forEach((name, body) -> sb.append(name).append(" ::= ").append(body).append('\n'));
        return sb.toString();
    }

    /** Adds a rule under a fresh name derived from {@code base}; returns the name. */
    private String rule(String base, String body) {
        String name = newName(base);
        rules.put(name, body);
        return name;
    }

    private String newName(String base) {
        String clean = base.replaceAll("[^a-zA-Z0-9-]+", "-");
        String name = clean;
        for (int i = 1; rules.containsKey(name) || PRIMITIVES.containsKey(name); i++) {
            name = clean + i;
        }
        rules.put(name, "");
        return name;
    }

    private String primitive(String name) {
        if (!rules.containsKey(name)) {
            rules.put(name, PRIMITIVES.get(name));
            for (String dep : DEPENDENCIES.getOrDefault(name, List.of())) {
                primitive(dep);
            }
        }
        return name;
    }

    private String visit(JsonNode schema, String base, String path) {
        String name = newName(base);
        rules.put(name, expression(schema, name, path));
        return name;
    }

    private String expression(JsonNode schema, String name, String path) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new GrammarException("the schema at " + path + " is false: it accepts no value");
            }
            return primitive("value");
        }
        if (!schema.isObject()) {
            throw new GrammarException("the schema at " + path + " must be an object or a boolean");
        }
        Set<String> present = new LinkedHashSet<>();
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ANNOTATIONS.contains(k)) {
                if (!KEYWORDS.containsKey(k)) {
                    throw new GrammarException("unsupported JSON Schema keyword '" + k + "' at " + path);
                }
                present.add(k);
            }
        }
        for (String alone : List.of("$ref", "anyOf", "oneOf", "enum", "const")) {
            for (String k : present) {
                if (present.contains(alone) && !k.equals(alone) && !(k.equals("type") && !alone.equals("$ref"))) {
                    throw new GrammarException("'" + alone + "' together with '" + k + "' is not supported, at " + path);
                }
            }
        }
        if (present.contains("$ref")) {
            return ref(schema.get("$ref"), path);
        }
        if (present.contains("anyOf") || present.contains("oneOf")) {
            String key = present.contains("anyOf") ? "anyOf" : "oneOf";
            JsonNode alts = schema.get(key);
            if (!alts.isArray() || alts.isEmpty()) {
                throw new GrammarException("'" + key + "' must be a non-empty array, at " + path);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < alts.size(); i++) {
                names.add(visit(alts.get(i), name + "-" + i, path + "/" + key + "/" + i));
            }
            return String.join(" | ", names);
        }
        if (present.contains("const")) {
            return literalJson(schema.get("const"));
        }
        if (present.contains("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new GrammarException("'enum' must be a non-empty array, at " + path);
            }
            List<String> alts = new ArrayList<>();
            values.forEach(v -> alts.add(literalJson(v)));
            return String.join(" | ", alts);
        }
        List<String> types = types(schema, present, path);
        for (String k : present) {
            String applies = KEYWORDS.get(k);
            if (applies != null && types.stream().noneMatch(t -> t.equals(applies) || (applies.equals("number") && t.equals("integer")))) {
                throw new GrammarException("'" + k + "' applies to type '" + applies + "', not " + types + ", at " + path);
            }
        }
        if (types.isEmpty()) {
            return primitive("value");
        }
        List<String> alts = new ArrayList<>();
        for (String t : types) {
            alts.add(typeExpression(t, schema, types.size() == 1 ? name : name + "-" + t, path));
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(") | (", alts) + ")";
    }

    private static List<String> types(JsonNode schema, Set<String> present, String path) {
        JsonNode type = schema.get("type");
        List<String> types = new ArrayList<>();
        if (type == null) {
            // no type: the keywords say which it is
            present.stream().map(KEYWORDS::get).filter(t -> t != null).distinct().forEach(types::add);
            if (types.size() > 1) {
                throw new GrammarException("keywords of several types " + types + " without 'type', at " + path);
            }
            return types;
        }
        if (type.isTextual()) {
            types.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            throw new GrammarException("'type' must be a string or a non-empty array of strings, at " + path);
        }
        for (String t : types) {
            if (!Set.of("object", "array", "string", "integer", "number", "boolean", "null").contains(t)) {
                throw new GrammarException("unknown 'type' '" + t + "' at " + path);
            }
        }
        return types;
    }

    private String typeExpression(String type, JsonNode schema, String name, String path) {
        return switch (type) {
            case "object" -> object(schema, name, path);
            case "array" -> array(schema, name, path);
            case "string" -> string(schema, name, path);
            case "integer" -> integer(schema, path);
            case "number" -> number(schema, name, path);
            case "boolean" -> primitive("boolean");
            default -> primitive("null");
        };
    }

    private String ref(JsonNode ref, String path) {
        if (!ref.isTextual() || !ref.textValue().startsWith("#")) {
            throw new GrammarException("'$ref' " + ref + " at " + path + " is not supported: only references within the schema (#/...)");
        }
        String target = ref.textValue();
        String known = refRules.get(target);
        if (known != null) {
            return known;
        }
        JsonNode node = root.at(target.substring(1));
        if (node.isMissingNode()) {
            throw new GrammarException("'$ref' " + target + " at " + path + " points to nothing in the schema");
        }
        String[] parts = target.split("/");
        String name = newName("ref-" + (parts.length > 0 ? parts[parts.length - 1] : "root"));
        refRules.put(target, name); // before visiting, so that a recursive reference finds it
        rules.put(name, expression(node, name, target));
        return name;
    }

    private String object(JsonNode schema, String name, String path) {
        primitive("space");
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (properties != null && !properties.isObject()) {
            throw new GrammarException("'properties' must be an object, at " + path);
        }
        if (properties == null && additional == null && !schema.has("required")) {
            return primitive("object");
        }
        Set<String> required = new LinkedHashSet<>();
        JsonNode req = schema.get("required");
        if (req != null) {
            if (!req.isArray()) {
                throw new GrammarException("'required' must be an array of names, at " + path);
            }
            req.forEach(r -> required.add(r.asText()));
        }
        boolean extra = additional != null && !(additional.isBoolean() && !additional.booleanValue());
        if (extra && properties != null && !properties.isEmpty()) {
            throw new GrammarException("'additionalProperties' other than false alongside 'properties' is not supported, at " + path);
        }
        if (extra) {
            if (!required.isEmpty()) {
                throw new GrammarException("'required' without 'properties' is not supported, at " + path);
            }
            String value = additional.isBoolean() || additional.isEmpty() ? primitive("value")
                    : visit(additional, name + "-additional", path + "/additionalProperties");
            String kv = rule(name + "-kv", primitive("string") + " space \":\" space " + value);
            return "\"{\" space ( " + kv + " (\",\" space " + kv + ")* )? space \"}\"";
        }
        List<String> requiredKv = new ArrayList<>();
        List<String> optionalKv = new ArrayList<>();
        if (properties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String value = visit(p.getValue(), name + "-" + p.getKey(), path + "/properties/" + p.getKey());
                String kv = rule(name + "-" + p.getKey() + "-kv", literalJson(JSON.getNodeFactory().textNode(p.getKey()))
                        + " space \":\" space " + value);
                (required.contains(p.getKey()) ? requiredKv : optionalKv).add(kv);
            }
        }
        for (String r : required) {
            if (properties == null || !properties.has(r)) {
                throw new GrammarException("'required' names '" + r + "', which is not in 'properties', at " + path);
            }
        }
        if (requiredKv.isEmpty() && optionalKv.isEmpty()) {
            return "\"{\" space \"}\"";
        }
        StringBuilder sb = new StringBuilder("\"{\" space ");
        sb.append(String.join(" \",\" space ", requiredKv));
        if (!optionalKv.isEmpty()) {
            sb.append(" (");
            if (!requiredKv.isEmpty()) {
                sb.append(" \",\" space ( ");
            }
            // any subset of the optional ones, in order: each choice of the first one present, then the rest
            List<String> firsts = new ArrayList<>();
            for (int i = 0; i < optionalKv.size(); i++) {
                firsts.add(optionalKv.get(i) + optionalRest(optionalKv.subList(i + 1, optionalKv.size()), name));
            }
            sb.append(String.join(" | ", firsts));
            if (!requiredKv.isEmpty()) {
                sb.append(" )");
            }
            sb.append(" )?");
        }
        return sb.append(" space \"}\"").toString();
    }

    /** The optional properties after one that is present, each optional in turn (llama.cpp's -rest rules). */
    private String optionalRest(List<String> kvs, String name) {
        if (kvs.isEmpty()) {
            return "";
        }
        String body = "( \",\" space " + kvs.getFirst() + " )?" + optionalRest(kvs.subList(1, kvs.size()), name);
        return " " + rule(name + "-rest", body);
    }

    private String array(JsonNode schema, String name, String path) {
        primitive("space");
        JsonNode items = schema.get("items");
        String item;
        if (items == null) {
            item = primitive("value");
        } else if (items.isArray()) {
            throw new GrammarException("'items' as an array (tuples) is not supported, at " + path);
        } else {
            item = visit(items, name + "-item", path + "/items");
        }
        int min = count(schema, "minItems", 0, path);
        int max = count(schema, "maxItems", Integer.MAX_VALUE, path);
        if (max < min) {
            throw new GrammarException("'maxItems' is below 'minItems', at " + path);
        }
        return "\"[\" space " + repetition(item, min, max, "\",\" space") + " space \"]\"";
    }

    /** llama.cpp's build_repetition: {@code item} min..max times, separated. */
    private static String repetition(String item, int min, int max, String separator) {
        boolean hasMax = max != Integer.MAX_VALUE;
        if (max == 0) {
            return "";
        }
        if (min == 0 && max == 1) {
            return item + "?";
        }
        if (separator.isEmpty()) {
            if (min == 1 && !hasMax) {
                return item + "+";
            }
            if (min == 0 && !hasMax) {
                return item + "*";
            }
            return item + "{" + min + "," + (hasMax ? Integer.toString(max) : "") + "}";
        }
        String result = item + " " + repetition("(" + separator + " " + item + ")", min == 0 ? 0 : min - 1,
                hasMax ? max - 1 : max, "");
        return min == 0 ? "(" + result + ")?" : result;
    }

    private String string(JsonNode schema, String name, String path) {
        JsonNode format = schema.get("format");
        JsonNode pattern = schema.get("pattern");
        boolean lengths = schema.has("minLength") || schema.has("maxLength");
        if ((format != null ? 1 : 0) + (pattern != null ? 1 : 0) + (lengths ? 1 : 0) > 1) {
            throw new GrammarException("only one of 'format', 'pattern' and 'minLength'/'maxLength' per string is supported, at " + path);
        }
        String quote = "\"\\\"\"";
        if (format != null) {
            String f = FORMATS.get(format.asText());
            if (f == null) {
                throw new GrammarException("'format' " + format + " is not supported (date, time, date-time, email, uuid), at " + path);
            }
            return f.equals("uuid") ? primitive("uuid") : quote + " " + primitive(f) + " " + quote;
        }
        if (pattern != null) {
            if (!pattern.isTextual()) {
                throw new GrammarException("'pattern' must be a string, at " + path);
            }
            String body = RegexGbnf.convert(pattern.textValue());
            primitive("char");
            return quote + " " + rule(name + "-pattern", body) + " " + quote;
        }
        int min = count(schema, "minLength", 0, path);
        int max = count(schema, "maxLength", Integer.MAX_VALUE, path);
        if (max < min) {
            throw new GrammarException("'maxLength' is below 'minLength', at " + path);
        }
        return quote + " " + repetition(primitive("char"), min, max, "") + " " + quote;
    }

    private String integer(JsonNode schema, String path) {
        long min = IntegerRangeGbnf.NO_MIN;
        long max = IntegerRangeGbnf.NO_MAX;
        for (String k : List.of("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")) {
            BigDecimal v = bound(schema, k, path);
            if (v == null) {
                continue;
            }
            boolean lower = k.endsWith("inimum");
            boolean exclusive = k.startsWith("exclusive");
            BigDecimal whole = lower ? v.setScale(0, java.math.RoundingMode.CEILING) : v.setScale(0, java.math.RoundingMode.FLOOR);
            if (exclusive && whole.compareTo(v) == 0) {
                whole = lower ? whole.add(BigDecimal.ONE) : whole.subtract(BigDecimal.ONE);
            }
            long w = fitLong(whole, k, path);
            if (lower) {
                min = Math.max(min, w);
            } else {
                max = Math.min(max, w);
            }
        }
        if (min == IntegerRangeGbnf.NO_MIN && max == IntegerRangeGbnf.NO_MAX) {
            return primitive("integer");
        }
        if (min > max) {
            throw new GrammarException("no integer lies between the bounds, at " + path);
        }
        return "(" + IntegerRangeGbnf.of(min, max) + ")";
    }

    /**
     * A number between whole-number bounds: a whole number in range (with an optional zero fraction), or
     * a fraction whose integer part keeps it inside. Exponents are left out when bounded.
     */
    private String number(JsonNode schema, String name, String path) {
        for (String k : List.of("exclusiveMinimum", "exclusiveMaximum")) {
            if (schema.has(k)) {
                throw new GrammarException("'" + k + "' on a number is not supported (use 'minimum'/'maximum', or type 'integer'), at " + path);
            }
        }
        BigDecimal lo = bound(schema, "minimum", path);
        BigDecimal hi = bound(schema, "maximum", path);
        if (lo == null && hi == null) {
            return primitive("number");
        }
        long min = lo == null ? IntegerRangeGbnf.NO_MIN : whole(lo, "minimum", path);
        long max = hi == null ? IntegerRangeGbnf.NO_MAX : whole(hi, "maximum", path);
        if (min > max) {
            throw new GrammarException("'minimum' is above 'maximum', at " + path);
        }
        String fraction = "\".\" " + primitive("decimal-part");
        List<String> alts = new ArrayList<>();
        alts.add("(" + IntegerRangeGbnf.of(min, max) + ") (\".\" \"0\"{1,16})?");
        // positive fractions: integer part I with min <= I and I + 1 <= max
        long posLo = Math.max(min, 0);
        long posHi = max == IntegerRangeGbnf.NO_MAX ? IntegerRangeGbnf.NO_MAX : max - 1;
        if (posLo <= posHi) {
            alts.add("(" + IntegerRangeGbnf.of(posLo, posHi) + ") " + fraction);
        }
        // negative fractions: -(I.f) with I + 1 <= -min and -max <= I
        long negLo = max == IntegerRangeGbnf.NO_MAX ? 0 : Math.max(-max, 0);
        long negHi = min == IntegerRangeGbnf.NO_MIN ? IntegerRangeGbnf.NO_MAX : -min - 1;
        if (negLo <= negHi) {
            alts.add("\"-\" (" + IntegerRangeGbnf.of(negLo, negHi) + ") " + fraction);
        }
        return "(" + String.join(" | ", alts) + ")";
    }

    private static long whole(BigDecimal v, String keyword, String path) {
        if (v.stripTrailingZeros().scale() > 0) {
            throw new GrammarException("'" + keyword + "' " + v.toPlainString()
                    + " on a number: only whole-number bounds are supported, at " + path);
        }
        long w = fitLong(v, keyword, path);
        if (Math.abs(w) > 999_999_999_999_999L) {
            throw new GrammarException("'" + keyword + "' is too large, at " + path);
        }
        return w;
    }

    private static BigDecimal bound(JsonNode schema, String keyword, String path) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new GrammarException("'" + keyword + "' must be a number, at " + path);
        }
        return v.decimalValue();
    }

    private static long fitLong(BigDecimal v, String keyword, String path) {
        try {
            return v.longValueExact();
        } catch (ArithmeticException e) {
            throw new GrammarException("'" + keyword + "' is out of range, at " + path);
        }
    }

    private static int count(JsonNode schema, String keyword, int fallback, String path) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
            throw new GrammarException("'" + keyword + "' must be a non-negative integer, at " + path);
        }
        if (v.intValue() > 100_000) {
            throw new GrammarException("'" + keyword + "' over 100000 is not supported, at " + path);
        }
        return v.intValue();
    }

    /** A JSON value exactly as Jackson writes it, as a GBNF literal. */
    private static String literalJson(JsonNode value) {
        try {
            return gbnfLiteral(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new GrammarException("cannot write " + value);
        }
    }

    /** The JSON text of a string's contents (without quotes). */
    static String jsonStringText(String s) {
        try {
            String quoted = JSON.writeValueAsString(s);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new GrammarException("cannot write " + s);
        }
    }

    /** Text as a GBNF "literal". */
    static String gbnfLiteral(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F) {
                        sb.append(String.format("\\x%02X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }
}
