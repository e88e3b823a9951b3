package io.sparkllama.engine.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.OutputFormat;
import io.sparkllama.engine.generate.SamplingParams;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded sampling under a schema or a label list: every completion parses with Jackson and conforms. */
class ConstrainedGenerationTest {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":12},"
            + "\"age\":{\"type\":\"integer\"},"
            + "\"height\":{\"type\":\"number\"},"
            + "\"happy\":{\"type\":\"boolean\"},"
            + "\"mood\":{\"enum\":[\"glad\",\"sad\",\"sleepy\",3]},"
            + "\"friends\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":8},\"maxItems\":3},"
            + "\"pet\":{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"cat\",\"dog\"]},\"legs\":{\"type\":\"integer\"}},"
            + "\"required\":[\"kind\"]}},"
            + "\"required\":[\"name\",\"age\"]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROMPTS = {"Once upon a time", "Lily and Tom", "The little dog", "One day, a girl named Sue"};

    @Test
    void thousandSampledCompletionsParseAndConform() throws Exception {
        JsonNode schema = JSON.readTree(SCHEMA);
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0); InferenceSession session = engine.newSession(2)) {
            OutputConstraint c = OutputConstraint.jsonSchema(SCHEMA);
            OutputFormat f = OutputFormat.jsonSchema(SCHEMA);
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int[] prompt = engine.tokenizer().encode(PROMPTS[i % PROMPTS.length], true);
                float temperature = i % 2 == 0 ? 1f : 1.5f;
                reqs.add(new GenerationRequest(prompt, 100 + i % 100, new SamplingParams(temperature, 0, 1f, 1000L + i)).withOutput(0, f));
            }
            List<GenerationResult> results = session.generateAll(reqs, 16);
            Set<String> distinct = new HashSet<>();
            int stoppedComplete = 0;
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                JsonNode value = JSON.readTree(r.text());
                assertNull(SchemaConformance.violation(schema, value, "$"), "request " + i + ": " + r.text());
                assertTrue(r.tokens().length <= reqs.get(i).maxTokens(), "request " + i);
                distinct.add(r.text());
                if (r.finishReason() == FinishReason.STOP) {
                    stoppedComplete++;
                }
            }
            assertTrue(distinct.size() > 900, "sampling varies: " + distinct.size() + " distinct completions");
            assertTrue(stoppedComplete > 0, "some completions close before max_tokens");
        }
    }

    @Test
    void choicesAlwaysYieldALabelEvenRightAfterBos() {
        List<String> labels = List.of("happy", "sad", "happy ending", "a cat", " the dog", "\u00e9t\u00e9");
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0); InferenceSession session = engine.newSession(1)) {
            OutputFormat f = OutputFormat.choices(labels);
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int[] prompt = i % 3 == 0 ? new int[] {engine.tokenizer().bosId()} : engine.tokenizer().encode(PROMPTS[i % PROMPTS.length], true);
                reqs.add(new GenerationRequest(prompt, 20, new SamplingParams(2f, 0, 1f, i)).withOutput(0, f));
            }
            Set<String> seen = new HashSet<>();
            for (GenerationResult r : session.generateAll(reqs, 8)) {
                assertTrue(labels.contains(r.text()), "not a label: '" + r.text() + "'");
                seen.add(r.text());
            }
            assertTrue(seen.size() >= 4, "labels seen: " + seen);
        }
    }

    @Test
    void thirtyTwoThousandTokenVocabulary() throws Exception {
        JsonNode schema = JSON.readTree(SCHEMA);
        try (Engine engine = Engine.open(SharedFiles.require("models/synth15M/synth15M.bin"),
                SharedFiles.require("models/llama2-tokenizer/tokenizer.bin"), 0); InferenceSession session = engine.newSession(2)) {
            OutputConstraint c = OutputConstraint.jsonSchema(SCHEMA);
            OutputFormat f = OutputFormat.jsonSchema(SCHEMA);
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reqs.add(new GenerationRequest(engine.tokenizer().encode(PROMPTS[i % PROMPTS.length], true), 100,
                        new SamplingParams(1f, 0, 1f, i)).withOutput(2, f));
            }
            for (GenerationResult r : session.generateAll(reqs, 4)) {
                assertNull(SchemaConformance.violation(schema, JSON.readTree(r.text()), "$"), r.text());
                assertEquals(r.tokens().length * 2, r.topIds().length);
            }
        }
    }

    @Test
    void tooFewTokensForTheSchemaIsARequestError() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0); InferenceSession session = engine.newSession(1)) {
            OutputConstraint c = OutputConstraint.jsonSchema(SCHEMA);
            OutputFormat f = OutputFormat.jsonSchema(SCHEMA);
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> session.generate(
                    new GenerationRequest(engine.tokenizer().encode("Hi", true), 10, SamplingParams.GREEDY).withOutput(0, f)));
            assertEquals("json_schema needs at least " + c.minBytes() + " tokens, but only 10 may be generated (max_tokens or the context); raise max_tokens",
                    e.getMessage());
        }
    }
}
