package org.medgemma4j.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/**
 * Checks generated text against a JSON Schema with an independent validator (networknt's, formats
 * asserted), and holds the schemas the structured-output tests share: nested, with enums, patterns, bounds,
 * required keys and no extra keys, every string and array bounded so that a random-weight model, whose
 * free choices are gibberish, still ends within a few dozen tokens.
 */
public final class SchemaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A clinical extraction: age, sex, diagnoses with ICD-10 codes, temperature, smoker. */
    public static final String EXTRACTION = """
            {"type": "object",
             "properties": {
               "age": {"type": "integer", "minimum": 0, "maximum": 120},
               "sex": {"enum": ["female", "male", "unknown"]},
               "diagnoses": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"$ref": "#/$defs/diagnosis"}},
               "temperature_c": {"type": "number", "minimum": 30, "maximum": 45},
               "smoker": {"type": "boolean"}
             },
             "required": ["age", "sex", "diagnoses"],
             "additionalProperties": false,
             "$defs": {
               "diagnosis": {"type": "object",
                 "properties": {
                   "icd10": {"type": "string", "pattern": "^[A-Z][0-9]{2}(\\\\.[0-9]{1,2})?$"},
                   "name": {"type": "string", "minLength": 1, "maxLength": 12},
                   "status": {"anyOf": [{"const": "active"}, {"type": "null"}]}
                 },
                 "required": ["icd10", "name"],
                 "additionalProperties": false}}}
            """;

    /** Medications: names from a list, doses with units, a date and an id. */
    public static final String MEDICATIONS = """
            {"type": "object",
             "properties": {
               "medications": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "object",
                 "properties": {
                   "drug": {"enum": ["metformin", "lisinopril", "atorvastatin"]},
                   "dose": {"type": "object", "properties": {
                     "amount": {"type": "integer", "minimum": 1, "maximum": 2000},
                     "unit": {"type": "string", "enum": ["mg", "mcg", "mL"]}},
                     "required": ["amount", "unit"], "additionalProperties": false},
                   "route": {"type": "string", "pattern": "^(PO|IV|SC)$"}},
                 "required": ["drug", "dose"], "additionalProperties": false}},
               "started": {"type": "string", "format": "date"},
               "record": {"type": "string", "format": "uuid"}
             },
             "required": ["medications", "started"],
             "additionalProperties": false}
            """;

    private SchemaCheck() {
    }

    public static JsonNode schema(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The validator's complaints about {@code text} (empty when it conforms); text that is no JSON throws. */
    public static List<String> problems(String schemaJson, String text) throws JsonProcessingException {
        JsonNode value = JSON.readTree(text);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema(schemaJson), config);
        Set<ValidationMessage> errors = schema.validate(value);
        return errors.stream().map(ValidationMessage::getMessage).toList();
    }
}
