package org.medgemma4j.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.grammar.GrammarException;
import org.medgemma4j.grammar.GrammarMatch;

/** JSON Schemas compiled to grammars: the JSON texts they accept and reject, and unsupported keywords named. */
class JsonSchemaGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Grammar schema(String json) throws Exception {
        return JsonSchemaGrammar.compile(JSON.readTree(json));
    }

    static final String EXTRACTION = """
            {"type": "object",
             "properties": {
               "patient_age": {"type": "integer", "minimum": 0, "maximum": 120},
               "sex": {"enum": ["female", "male", "unknown"]},
               "diagnoses": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"$ref": "#/$defs/diagnosis"}},
               "smoker": {"type": "boolean"},
               "note": {"type": ["string", "null"], "maxLength": 20}
             },
             "required": ["patient_age", "sex", "diagnoses"],
             "additionalProperties": false,
             "$defs": {"diagnosis": {"type": "object",
               "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 30},
                              "icd10": {"type": "string", "pattern": "^[A-Z][0-9]{2}(\\\\.[0-9]{1,2})?$"}},
               "required": ["name", "icd10"]}}}
            """;

    @Test
    void anExtractionSchemaAcceptsValidDocumentsOnly() throws Exception {
        Grammar g = schema(EXTRACTION);
        assertThat(GrammarMatch.accepts(g, """
                {"patient_age": 67, "sex": "female", "diagnoses": [{"name": "Type 2 diabetes", "icd10": "E11.9"}]}""")).isTrue();
        assertThat(GrammarMatch.accepts(g, """
                {
                  "patient_age": 0,
                  "sex": "unknown",
                  "diagnoses": [{"name": "x", "icd10": "I10"}, {"name": "y", "icd10": "J45.90"}],
                  "smoker": false,
                  "note": null
                }""")).isTrue();
        assertThat(GrammarMatch.accepts(g, """
                {"patient_age": 67, "sex": "female", "diagnoses": [{"name": "a", "icd10": "I10"}], "note": "ok"}""")).isTrue();
        // out of range, not in the enum, bad pattern, a missing required key, an extra key, too many items
        for (String bad : new String[] {
                "{\"patient_age\": 121, \"sex\": \"female\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}]}",
                "{\"patient_age\": 1, \"sex\": \"woman\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}]}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"i10\"}]}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10.123\"}]}",
                "{\"patient_age\": 1, \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}]}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}], \"x\": 1}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": []}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"\", \"icd10\": \"I10\"}]}",
                "{\"patient_age\": 1, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}], \"note\": \"123456789012345678901\"}",
                "{\"patient_age\": 01, \"sex\": \"male\", \"diagnoses\": [{\"name\": \"a\", \"icd10\": \"I10\"}]}"}) {
            assertThat(GrammarMatch.accepts(g, bad)).as(bad).isFalse();
        }
    }

    @Test
    void integerRangesAcceptExactlyTheirMembers() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            long lo = random.nextLong(-3000, 3000);
            long hi = lo + random.nextLong(0, 4000);
            boolean hasLo = trial % 4 != 1;
            boolean hasHi = trial % 4 != 2;
            String bounds = (hasLo ? "\"minimum\": " + lo : "") + (hasLo && hasHi ? ", " : "") + (hasHi ? "\"maximum\": " + hi : "");
            if (!hasLo && !hasHi) {
                continue;
            }
            Grammar g = schema("{\"type\": \"integer\", " + bounds + "}");
            for (long v = lo - 30; v <= hi + 30; v += 1 + random.nextInt(7)) {
                boolean in = (!hasLo || v >= lo) && (!hasHi || v <= hi);
                assertThat(GrammarMatch.accepts(g, Long.toString(v))).as("%d with %s", v, bounds).isEqualTo(in);
            }
            // "-0" is zero (llama.cpp's ranges write it where zero is inside)
            if (GrammarMatch.accepts(g, "-0")) {
                assertThat(GrammarMatch.accepts(g, "0")).isTrue();
            }
        }
    }

    @Test
    void numbersWithWholeBoundsStayInside() throws Exception {
        Grammar g = schema("{\"type\": \"number\", \"minimum\": -2, \"maximum\": 10}");
        for (String ok : new String[] {"-2", "-2.0", "-1.5", "-0.25", "0", "3.14159", "9.999", "10", "10.00"}) {
            assertThat(GrammarMatch.accepts(g, ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"-2.5", "-3", "10.5", "11", "1e3", "10.01"}) {
            assertThat(GrammarMatch.accepts(g, bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> schema("{\"type\": \"number\", \"minimum\": 36.5}"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("'minimum'");
    }

    @Test
    void stringFormats() throws Exception {
        Grammar g = schema("""
                {"type": "object", "properties": {
                  "d": {"type": "string", "format": "date"}, "t": {"type": "string", "format": "date-time"},
                  "e": {"type": "string", "format": "email"}, "u": {"type": "string", "format": "uuid"}},
                 "required": ["d", "t", "e", "u"]}""");
        assertThat(GrammarMatch.accepts(g, "{\"d\": \"2024-02-28\", \"t\": \"2024-12-31T23:59:59Z\", "
                + "\"e\": \"jane.doe@example.org\", \"u\": \"123e4567-e89b-12d3-a456-426614174000\"}")).isTrue();
        assertThat(GrammarMatch.accepts(g, "{\"d\": \"2024-02-30\", \"t\": \"2024-12-31T23:59:59Z\", "
                + "\"e\": \"jane.doe@example.org\", \"u\": \"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
        assertThat(GrammarMatch.accepts(g, "{\"d\": \"2024-01-01\", \"t\": \"2024-12-31 23:59:59\", "
                + "\"e\": \"jane.doe@example.org\", \"u\": \"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
        assertThat(GrammarMatch.accepts(g, "{\"d\": \"2024-01-01\", \"t\": \"2024-12-31T23:59:59Z\", "
                + "\"e\": \"jane.doe@\", \"u\": \"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
    }

    @Test
    void patternsKeepJsonEscapingAndAlternation() throws Exception {
        Grammar g = schema("{\"type\": \"string\", \"pattern\": \"^(mg|mL|g)/\\\\d+\\\\s?[\\\"a-c]?$\"}");
        assertThat(GrammarMatch.accepts(g, "\"mg/12\"")).isTrue();
        assertThat(GrammarMatch.accepts(g, "\"mL/3\\tb\"")).isTrue();   // \s as JSON's \t escape
        assertThat(GrammarMatch.accepts(g, "\"g/3\\\"\"")).isTrue();     // a quote, escaped
        assertThat(GrammarMatch.accepts(g, "\"kg/3\"")).isFalse();
        assertThat(GrammarMatch.accepts(g, "\"mg/\"")).isFalse();
        assertThatThrownBy(() -> schema("{\"type\": \"string\", \"pattern\": \"(?=a)b\"}"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> schema("{\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("'pattern'");
    }

    @Test
    void anyOfConstAndRecursiveRefs() throws Exception {
        Grammar g = schema("""
                {"$ref": "#/$defs/node", "$defs": {"node": {"type": "object",
                  "properties": {"v": {"anyOf": [{"const": 1}, {"type": "null"}, {"type": "boolean"}]},
                                 "kids": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/node"}}},
                  "required": ["v"]}}}""");
        assertThat(GrammarMatch.accepts(g, "{\"v\": 1, \"kids\": [{\"v\": null, \"kids\": [{\"v\": true}]}, {\"v\": 1}]}")).isTrue();
        assertThat(GrammarMatch.accepts(g, "{\"v\": 2}")).isFalse();
        assertThat(GrammarMatch.accepts(g, "{\"v\": 1, \"kids\": [{\"v\": 1}, {\"v\": 1}, {\"v\": 1}]}")).isFalse();
    }

    @Test
    void theAnyObjectGrammarTakesAnyObject() {
        Grammar g = JsonSchemaGrammar.jsonObject();
        assertThat(GrammarMatch.accepts(g, "{\"a\": [1, 2.5e3, \"x\", {\"b\": null}], \"c\": false}")).isTrue();
        assertThat(GrammarMatch.accepts(g, "[1]")).isFalse();
        assertThat(GrammarMatch.accepts(g, "{\"a\": }")).isFalse();
    }

    @Test
    void unsupportedOrUnusableSchemasNameTheKeyword() {
        String[][] cases = {
                {"{\"type\": \"object\", \"patternProperties\": {}}", "'patternProperties'"},
                {"{\"allOf\": [{\"type\": \"string\"}]}", "'allOf'"},
                {"{\"type\": \"array\", \"uniqueItems\": true}", "'uniqueItems'"},
                {"{\"type\": \"string\", \"format\": \"ipv6\"}", "'format'"},
                {"{\"type\": \"string\", \"minimum\": 3}", "'minimum'"},
                {"{\"$ref\": \"https://example.org/s.json\"}", "'$ref'"},
                {"{\"$ref\": \"#/$defs/missing\"}", "'$ref'"},
                {"{\"type\": \"object\", \"properties\": {\"a\": {}}, \"required\": [\"b\"]}", "'required'"},
                {"{\"type\": \"object\", \"properties\": {\"a\": {}}, \"additionalProperties\": true}", "'additionalProperties'"},
                {"{\"type\": \"array\", \"items\": [{}]}", "'items'"},
                {"{\"type\": \"tuple\"}", "'type'"},
                {"{\"type\": \"number\", \"exclusiveMinimum\": 0}", "'exclusiveMinimum'"},
                {"{\"type\": \"integer\", \"multipleOf\": 5}", "'multipleOf'"},
                {"{\"enum\": []}", "'enum'"},
                {"false", "false"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> schema(c[0])).as(c[0]).isInstanceOf(GrammarException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void theGrammarIsReadableGbnf() throws Exception {
        JsonNode s = JSON.readTree("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"boolean\"}}, \"required\": [\"a\"]}");
        String gbnf = JsonSchemaGbnf.convert(s);
        assertThat(gbnf).startsWith("root ::= \"{\" space root-a-kv space \"}\"");
        assertThat(Grammar.parse(gbnf).gbnf()).isEqualTo(gbnf);
    }
}
