package io.sparkllama.engine.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.error.InvalidSchemaException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schemas to grammars: bad schemas name the path at fault; the grammar accepts exactly the canonical texts. */
class JsonSchemaCompilerTest {

    private static void assertRefused(String schema, String expectedMessage) {
        InvalidSchemaException e = assertThrows(InvalidSchemaException.class, () -> OutputConstraint.jsonSchema(schema));
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void invalidSchemasNameTheField() {
        assertRefused("{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"int\"}}}",
                "json_schema: $.properties.age.type \"int\" is not supported; use object, array, string, number, integer or boolean");
        assertRefused("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"b\"]}",
                "json_schema: $.required names \"b\", which is not in properties");
        assertRefused("{\"type\":\"string\",\"pattern\":\"x\"}",
                "json_schema: $.pattern is not supported here (supported: maxLength, minLength, type)");
        assertRefused("{\"type\":\"array\"}", "json_schema: $ is an array without \"items\"");
        InvalidSchemaException notJson = assertThrows(InvalidSchemaException.class, () -> OutputConstraint.jsonSchema("{\"type\":"));
        assertTrue(notJson.getMessage().startsWith("json_schema: $ is not valid JSON ("), notJson.getMessage());
        assertRefused("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "json_schema: $.maxLength is below minLength (2 < 5)");
        assertRefused("{\"properties\":{}}", "json_schema: $ has no \"type\" (one of object, array, string, number, integer, boolean) and no \"enum\"");
        assertRefused("  ", "json_schema is empty; give a JSON Schema object, e.g. {\"type\":\"object\",\"properties\":{...}}");
        InvalidSchemaException c = assertThrows(InvalidSchemaException.class, () -> OutputConstraint.choices(List.of("yes", "")));
        assertEquals("choices holds an empty label; every label must be non-empty text", c.getMessage());
    }

    private static boolean accepts(OutputConstraint c, String text) {
        MatchState s = c.start().step(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return s != null && s.canFinish();
    }

    @Test
    void grammarAcceptsCanonicalJsonOnly() {
        OutputConstraint c = OutputConstraint.jsonSchema("{\"type\":\"object\",\"properties\":{"
                + "\"name\":{\"type\":\"string\",\"maxLength\":5},\"age\":{\"type\":\"integer\"},\"score\":{\"type\":\"number\"},"
                + "\"ok\":{\"type\":\"boolean\"},\"color\":{\"enum\":[\"red\",\"green\",7]},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"maxItems\":2}},\"required\":[\"name\"]}");
        assertTrue(accepts(c, "{\"name\":\"Tim\",\"age\":-12,\"score\":0.5e+3,\"ok\":true,\"color\":7,\"tags\":[\"a\",\"b c\"]}"));
        assertTrue(accepts(c, "{\"name\":\"\",\"age\":0,\"score\":-0,\"ok\":false,\"color\":\"green\",\"tags\":[\"\"]}"));
        assertFalse(c, "{\"name\":\"Timothy\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // maxLength 5
        assertFalse(c, "{\"name\":\"T\",\"age\":1.5,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // integer
        assertFalse(c, "{\"name\":\"T\",\"age\":01,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // leading zero
        assertFalse(c, "{\"name\":\"T\",\"age\":1,\"score\":1,\"ok\":true,\"color\":\"blue\",\"tags\":[\"a\"]}"); // enum
        assertFalse(c, "{\"name\":\"T\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[]}"); // minItems
        assertFalse(c, "{\"name\":\"T\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\",\"b\",\"c\"]}"); // maxItems
        assertFalse(c, "{\"age\":1,\"name\":\"T\",\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // order
        assertFalse(c, "{ \"name\":\"T\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // whitespace
        assertFalse(c, "{\"name\":\"T\\n\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}"); // escapes
        MatchState partial = c.start().step("{\"name\":\"".getBytes());
        assertNotNull(partial);
        assertEquals(1 + ",\"age\":0,\"score\":0,\"ok\":true,\"color\":7,\"tags\":[\"\"]}".length(), partial.minBytes());
        assertNull(c.start().step("{\"name\":\"T\",\"age\":1,\"score\":1,\"ok\":true,\"color\":7,\"tags\":[\"a\"]}}".getBytes()));
    }

    @Test
    void choicesAllowLabelsThatPrefixOthers() {
        OutputConstraint c = OutputConstraint.choices(List.of("yes", "yes!", "no", "maybe so"));
        assertTrue(accepts(c, "yes"));
        assertTrue(accepts(c, "yes!"));
        assertTrue(accepts(c, "maybe so"));
        assertFalse(c, "ye");
        assertFalse(c, "nope");
        assertTrue(c.start().step("yes!".getBytes()).done());
        assertEquals(2, c.minBytes());
    }

    private static void assertFalse(OutputConstraint c, String text) {
        org.junit.jupiter.api.Assertions.assertFalse(accepts(c, text), text);
    }
}
