package io.sparkllama.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.TokenizerLoader;
import org.junit.jupiter.api.Test;

/** Meta's Llama 3 tiktoken tokenizer.model against llama.cpp and an independent tiktoken implementation. */
class TiktokenTest {

    @Test
    void encodesLikeReference() {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require("models/llama3-tokenizer/tokenizer.model"));
        assertEquals(128256, tok.vocabSize());
        assertEquals(128000, tok.bosId());
        assertEquals(128001, tok.eosId());
        JsonNode g = SharedFiles.json("golden/llama3_tokenize.json");
        for (JsonNode item : SharedFiles.items(g, "items")) {
            String text = item.get("text").asText();
            assertArrayEquals(SharedFiles.ints(item.get("ids")), tok.encode(text, true), "ids of " + text);
            assertArrayEquals(SharedFiles.ints(item.get("ids_no_bos")), tok.encode(text, false), "ids without BOS of " + text);
            assertArrayEquals(SharedFiles.ints(item.get("ids_parse_special")), tok.encode(text, true, true), "ids with specials of " + text);
            int[] ids = tok.encode(text, false);
            assertEquals(text, tok.decode(-1, ids, 0, ids.length), "decode of " + text);
        }
    }

    @Test
    void stopsAtEndOfTurnAndText() {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require("models/llama3-tokenizer/tokenizer.model"));
        assertEquals(true, tok.isStopToken(128009));
        assertEquals(true, tok.isStopToken(128001));
        assertEquals(false, tok.isStopToken(128006));
    }
}
