package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.grammar.GrammarException;
import org.medgemma4j.structured.JsonSchemaGrammar;

/**
 * The grammar a request asks its answer to follow: Ollama's {@code format} ("json" or a JSON Schema),
 * OpenAI's {@code response_format} (json_object, json_schema), and llama.cpp's server fields
 * {@code grammar} (GBNF) and {@code json_schema}. A schema or grammar that cannot be used is a 400 naming
 * the problem. Null when the answer is free text.
 */
final class StructuredOutput {

    private StructuredOutput() {
    }

    /** Ollama's {@code format}. */
    static Grammar ollama(JsonBody request) {
        JsonNode format = request.raw("format");
        if (format == null || (format.isTextual() && format.textValue().isEmpty())) {
            return null;
        }
        if (format.isTextual() && format.textValue().equals("json")) {
            return JsonSchemaGrammar.jsonObject();
        }
        if (format.isObject()) {
            return compile(() -> JsonSchemaGrammar.compile(format), "'format'");
        }
        throw ApiException.badRequest("'format' must be \"json\" or a JSON Schema object");
    }

    /** OpenAI's {@code response_format}, or llama.cpp's {@code grammar} / {@code json_schema}. */
    static Grammar openAi(JsonBody request) {
        int given = (request.has("response_format") ? 1 : 0) + (request.has("grammar") ? 1 : 0) + (request.has("json_schema") ? 1 : 0);
        if (given > 1) {
            throw ApiException.badRequest("give only one of 'response_format', 'grammar' and 'json_schema'");
        }
        if (request.has("grammar")) {
            String gbnf = request.string("grammar", "");
            return compile(() -> Grammar.parse(gbnf), "'grammar'");
        }
        if (request.has("json_schema")) {
            JsonNode schema = request.raw("json_schema");
            return compile(() -> JsonSchemaGrammar.compile(schema), "'json_schema'");
        }
        JsonBody format = request.object("response_format");
        String type = format.string("type", "text");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> JsonSchemaGrammar.jsonObject();
            case "json_schema" -> {
                JsonNode schema = format.object("json_schema").raw("schema");
                if (schema == null) {
                    throw ApiException.badRequest("'response_format.json_schema.schema' is required");
                }
                // strict or not, the answer follows the schema: constraining is the only way this server knows
                yield compile(() -> JsonSchemaGrammar.compile(schema), "'response_format.json_schema.schema'");
            }
            default -> throw ApiException.badRequest("'response_format.type' must be text, json_object or json_schema, got '" + type + "'");
        };
    }

    private interface Compile {
        Grammar run();
    }

    private static Grammar compile(Compile c, String field) {
        try {
            return c.run();
        } catch (GrammarException e) {
            throw ApiException.badRequest(field + ": " + e.getMessage());
        }
    }
}
