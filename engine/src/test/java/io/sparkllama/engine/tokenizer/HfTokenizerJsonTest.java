package io.sparkllama.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.TokenizerLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face tokenizer.json files, converted here from Meta's tokenizer.model files the way
 * transformers' converters do (vocab, merges from every split of a token into two tokens, ordered
 * by the token's priority; added_tokens), must tokenize like the golden ids.
 */
class HfTokenizerJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void check(Tokenizer tok, String golden) {
        for (JsonNode item : SharedFiles.items(SharedFiles.json(golden), "items")) {
            String text = item.get("text").asText();
            assertArrayEquals(SharedFiles.ints(item.get("ids")), tok.encode(text, true), "ids of " + text);
            assertArrayEquals(SharedFiles.ints(item.get("ids_parse_special")), tok.encode(text, true, true), "ids with specials of " + text);
        }
    }

    /** Merges of {@code order}'s tokens: every split into two known tokens, in the order given. */
    private static ArrayNode merges(List<String> order, Map<String, Integer> known) {
        ArrayNode merges = JSON.createArrayNode();
        for (String t : order) {
            int[] cps = t.codePoints().toArray();
            for (int s = 1; s < cps.length; s++) {
                String left = new String(cps, 0, s);
                String right = new String(cps, s, cps.length - s);
                if (known.containsKey(left) && known.containsKey(right)) {
                    merges.add(left + " " + right);
                }
            }
        }
        return merges;
    }

    private Path write(ObjectNode vocab, ArrayNode merges, ArrayNode added, boolean byteFallback) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.set("added_tokens", added);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.put("byte_fallback", byteFallback);
        model.set("vocab", vocab);
        model.set("merges", merges);
        Path p = tmp.resolve(byteFallback ? "llama2-tokenizer.json" : "llama3-tokenizer.json");
        JSON.writeValue(p.toFile(), root);
        return p;
    }

    @Test
    void llama2StyleWithByteFallback() throws IOException {
        SentencePieceTokenizer sp = (SentencePieceTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama2-tokenizer/tokenizer.model"));
        ObjectNode vocab = JSON.createObjectNode();
        ArrayNode added = JSON.createArrayNode();
        Map<String, Integer> mergeable = new HashMap<>();
        List<Integer> byScore = new ArrayList<>();
        for (int i = 0; i < sp.vocabSize(); i++) {
            String piece = new String(sp.piece(i), StandardCharsets.UTF_8);
            boolean control = piece.startsWith("\n") && piece.endsWith("\n") && piece.length() > 2;
            String text = control ? piece.substring(1, piece.length() - 1) : piece.replace(' ', '\u2581');
            vocab.put(text, i);
            if (control || i == 0) {
                added.addObject().put("id", i).put("content", text).put("special", true);
            } else if (!text.matches("<0x[0-9A-F]{2}>")) {
                mergeable.put(text, i);
                byScore.add(i);
            }
        }
        byScore.sort((a, b) -> Float.compare(sp.score(b), sp.score(a)));
        List<String> order = byScore.stream().map(i -> new String(sp.piece(i), StandardCharsets.UTF_8).replace(' ', '\u2581')).toList();
        Tokenizer tok = TokenizerLoader.load(write(vocab, merges(order, mergeable), added, true));
        assertInstanceOf(SentencePieceTokenizer.class, tok);
        assertEquals(32000, tok.vocabSize());
        check(tok, "golden/llama2_tokenize.json");
    }

    @Test
    void llama3StyleByteLevel() throws IOException {
        ByteLevelBpeTokenizer tt = (ByteLevelBpeTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama3-tokenizer/tokenizer.model"));
        char[] alphabet = gpt2Alphabet();
        ObjectNode vocab = JSON.createObjectNode();
        ArrayNode added = JSON.createArrayNode();
        Map<String, Integer> known = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < tt.vocabSize(); i++) {
            byte[] b = tt.tokenBytes(i);
            if (i >= 128000) {
                added.addObject().put("id", i).put("content", new String(b, StandardCharsets.UTF_8)).put("special", true);
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (byte x : b) {
                sb.append(alphabet[x & 0xFF]);
            }
            String text = sb.toString();
            vocab.put(text, i);
            known.put(text, i);
            order.add(text);
        }
        Tokenizer tok = TokenizerLoader.load(write(vocab, merges(order, known), added, false));
        assertInstanceOf(ByteLevelBpeTokenizer.class, tok);
        assertEquals(128256, tok.vocabSize());
        assertEquals(128000, tok.bosId());
        check(tok, "golden/llama3_tokenize.json");
    }

    /** GPT-2's byte-to-unicode table: printable bytes stand for themselves, the rest for U+0100 on. */
    private static char[] gpt2Alphabet() {
        char[] out = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = (char) (printable ? b : next++);
        }
        return out;
    }
}
