package io.sparkllama.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.format.TokenizerLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tokenizers read from GGUF metadata against llama.cpp's token ids: its test vectors and the golden files. */
class GgufTokenizerVectorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "golden/llama2_tokenize.json, models/llama2-tokenizer/ggml-vocab-llama-spm.gguf",
        "golden/llama2_tokenize.json, models/tiny-random-llama2/llama-2-tiny-random.gguf",
        "golden/llama3_tokenize.json, models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf",
    })
    void matchesGoldenIds(String golden, String vocab) {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require(vocab));
        JsonNode g = SharedFiles.json(golden);
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode item : SharedFiles.items(g, "items")) {
            String text = item.get("text").asText();
            check(failures, "ids", text, SharedFiles.ints(item.get("ids")), tok.encode(text, true));
            check(failures, "ids_no_bos", text, SharedFiles.ints(item.get("ids_no_bos")), tok.encode(text, false));
            check(failures, "ids_parse_special", text, SharedFiles.ints(item.get("ids_parse_special")), tok.encode(text, true, true));
            n++;
        }
        assertTrue(n > 10, "golden has items");
        assertEquals(List.of(), failures, failures.size() + " of " + 3 * n + " encodings differ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "models/llama2-tokenizer/ggml-vocab-llama-spm.gguf, models/llama2-tokenizer/ggml-vocab-llama-spm.gguf",
        "models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf, models/llama3-tokenizer/ggml-vocab-llama-bpe.gguf",
    })
    void matchesLlamaCppVectors(String vocab, String vectors) throws IOException {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require(vocab));
        String inp = Files.readString(SharedFiles.require(vectors + ".inp"), StandardCharsets.UTF_8);
        String out = Files.readString(SharedFiles.require(vectors + ".out"), StandardCharsets.UTF_8);
        String[] inputs = inp.split("\n__ggml_vocab_test__\n", -1);
        String[] lines = out.split("\n", -1);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < inputs.length; i++) {
            String text = inputs[i];
            if (i == inputs.length - 1 && text.endsWith("\n__ggml_vocab_test__")) {
                text = text.substring(0, text.length() - "\n__ggml_vocab_test__".length());
            }
            if (i >= lines.length) {
                break;
            }
            String line = lines[i].trim();
            int[] want = line.isEmpty() ? new int[0] : java.util.Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            check(failures, "vector " + i, text, want, tok.encode(text, false));
            checked++;
        }
        assertTrue(checked >= 20, "checked " + checked + " vectors");
        assertEquals(List.of(), failures, failures.size() + " of " + checked + " vectors differ");
    }

    private static void check(List<String> failures, String what, String text, int[] want, int[] got) {
        if (!java.util.Arrays.equals(want, got)) {
            failures.add(what + " of '" + text.replace("\n", "\\n") + "': want " + java.util.Arrays.toString(want)
                    + " got " + java.util.Arrays.toString(got));
        }
    }

    @org.junit.jupiter.api.Test
    void longWordsTokenizeQuickly() {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require("models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf"));
        // One 200,000-letter "word": quadratic merging would take minutes.
        String word = "abcdefghijklmnopqrstuvwxyz".repeat(200_000 / 26);
        long t0 = System.nanoTime();
        int[] ids = tok.encode(word, false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 20_000, "took " + ms + " ms");
        assertEquals(word, tok.decode(-1, ids, 0, ids.length));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "models/llama2-tokenizer/ggml-vocab-llama-spm.gguf",
        "models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf",
    })
    void decodeRoundTrips(String vocab) {
        Tokenizer tok = TokenizerLoader.load(SharedFiles.require(vocab));
        for (String text : new String[] {"Hello world", "  two spaces\nand a newline", "нещо на Български 🦙.cpp", "tabs\tand\u00A0nbsp"}) {
            int[] ids = tok.encode(text, true);
            assertEquals(text, tok.decode(ids[0], ids, 1, ids.length - 1), "round trip of " + text);
        }
    }
}
