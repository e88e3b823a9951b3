package io.sparkllama.engine.fuzz;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A small Llama 3-style (byte-level BPE) {@code tokenizer.json} of a chosen vocabulary size, so
 * that it fits a small model: the 256 byte tokens, two-letter merges, and {@code <|begin_of_text|>}
 * as the last id.
 */
final class ByteLevelTokenizerJson {
    private static final String LETTERS = "etaoinshrdlucmfwypvbgkjqxz";

    private ByteLevelTokenizerJson() {
    }

    static String withVocab(int vocab) {
        StringBuilder tokens = new StringBuilder();
        StringBuilder merges = new StringBuilder();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);   // GPT-2's byte-to-character alphabet
            tokens.append(b == 0 ? "" : ",").append(new TextNode(String.valueOf(c))).append(':').append(b);
        }
        int id = 256;
        for (int i = 0; id < vocab - 1; i++, id++) {
            String left = String.valueOf(LETTERS.charAt(i / LETTERS.length()));
            String right = String.valueOf(LETTERS.charAt(i % LETTERS.length()));
            tokens.append(',').append(new TextNode(left + right)).append(':').append(id);
            merges.append(i == 0 ? "" : ",").append(new TextNode(left + " " + right));
        }
        return "{\"added_tokens\":[{\"id\":" + id + ",\"content\":\"<|begin_of_text|>\",\"special\":true}],"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":{" + tokens + "},\"merges\":[" + merges + "]}}";
    }
}
