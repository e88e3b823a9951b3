package io.sparkllama.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.TokenizerLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** llama2.c tokenizer.bin encode/decode against run.c's encoder. */
class TokenizerGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "synth15M"})
    void encodesLikeRunC(String golden) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/tokenize.json");
        Tokenizer tok = TokenizerLoader.load(SharedFiles.goldenTokenizer(g));
        int n = 0;
        for (JsonNode item : SharedFiles.items(g, "items")) {
            String text = item.get("text").asText();
            int[] ids = tok.encode(text, true);
            assertArrayEquals(SharedFiles.ints(item.get("ids")), ids, "ids of " + text);
            // Decoding gives the text back (after BOS the dummy-prefix space is dropped).
            assertEquals(text, tok.decode(ids[0], ids, 1, ids.length - 1), "decode of " + text);
            n++;
        }
        assertEquals(g.get("items").size(), n);
    }
}
