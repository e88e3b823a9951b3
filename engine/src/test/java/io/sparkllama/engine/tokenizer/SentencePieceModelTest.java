package io.sparkllama.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.TokenizerLoader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Meta's Llama 2 SentencePiece tokenizer.model, parsed from its protobuf, against llama.cpp / sentencepiece ids. */
class SentencePieceModelTest {

    @Test
    void encodesLikeReference() {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require("models/llama2-tokenizer/tokenizer.model"));
        assertInstanceOf(SentencePieceTokenizer.class, tok);
        assertEquals(32000, tok.vocabSize());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        JsonNode g = SharedFiles.json("golden/llama2_tokenize.json");
        for (JsonNode item : SharedFiles.items(g, "items")) {
            String text = item.get("text").asText();
            assertArrayEquals(SharedFiles.ints(item.get("ids")), tok.encode(text, true), "ids of " + text);
            assertArrayEquals(SharedFiles.ints(item.get("ids_no_bos")), tok.encode(text, false), "ids without BOS of " + text);
            assertArrayEquals(SharedFiles.ints(item.get("ids_parse_special")), tok.encode(text, true, true), "ids with specials of " + text);
        }
    }

    @Test
    void samePiecesAndScoresAsTokenizerBin() {
        SentencePieceTokenizer model = (SentencePieceTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama2-tokenizer/tokenizer.model"));
        SentencePieceTokenizer bin = (SentencePieceTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama2-tokenizer/tokenizer.bin"));
        assertEquals(bin.vocabSize(), model.vocabSize());
        for (int i = 0; i < bin.vocabSize(); i++) {
            assertEquals(new String(bin.piece(i), StandardCharsets.ISO_8859_1), new String(model.piece(i), StandardCharsets.ISO_8859_1), "piece " + i);
            assertEquals(bin.score(i), model.score(i), "score " + i);
        }
    }
}
