package org.medgemma4j.structured;

import com.fasterxml.jackson.databind.JsonNode;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.grammar.GrammarException;

/**
 * JSON Schemas as grammars for constrained generation: the schema is written as GBNF the way llama.cpp's
 * json-schema-to-grammar does ({@link JsonSchemaGbnf}) and parsed into core's {@link Grammar}.
 */
public final class JsonSchemaGrammar {

    private JsonSchemaGrammar() {
    }

    /**
     * The grammar of the JSON texts that a JSON Schema accepts.
     *
     * @throws GrammarException for a keyword this compiler cannot honour, naming it and where it is
     */
    public static Grammar compile(JsonNode schema) {
        return Grammar.parse(JsonSchemaGbnf.convert(schema));
    }

    /** Any JSON object, as Ollama's {@code format: "json"} and OpenAI's {@code json_object} ask. */
    public static Grammar jsonObject() {
        return Grammar.parse(JsonSchemaGbnf.anyObject());
    }
}
