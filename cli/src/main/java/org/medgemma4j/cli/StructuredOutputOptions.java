package org.medgemma4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.grammar.GrammarException;
import org.medgemma4j.structured.JsonSchemaGrammar;
import picocli.CommandLine.Option;

/** Structured output: the answer constrained to a JSON Schema, any JSON object, or a GBNF grammar. */
final class StructuredOutputOptions {

    @Option(names = "--json-schema", paramLabel = "FILE", description = "the answer is JSON valid against this JSON Schema")
    Path jsonSchema;

    @Option(names = "--format", paramLabel = "json", description = "'json': the answer is a JSON object")
    String format;

    @Option(names = "--grammar", paramLabel = "FILE", description = "the answer follows this GBNF grammar (llama.cpp's format)")
    Path grammar;

    /** The grammar asked for, or null; a bad file is a one-line error naming it. */
    Grammar grammar() throws IOException {
        int given = (jsonSchema != null ? 1 : 0) + (format != null ? 1 : 0) + (grammar != null ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("give only one of --json-schema, --format and --grammar");
        }
        if (format != null && !format.equals("json")) {
            throw new IllegalArgumentException("--format takes 'json', got '" + format + "'");
        }
        try {
            if (jsonSchema != null) {
                return JsonSchemaGrammar.compile(new ObjectMapper().readTree(Files.readString(jsonSchema)));
            }
            if (grammar != null) {
                return Grammar.parse(Files.readString(grammar));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(jsonSchema + " is not valid JSON: " + e.getOriginalMessage());
        } catch (GrammarException e) {
            throw new IllegalArgumentException((jsonSchema != null ? jsonSchema : grammar) + ": " + e.getMessage());
        }
        return format != null ? JsonSchemaGrammar.jsonObject() : null;
    }
}
