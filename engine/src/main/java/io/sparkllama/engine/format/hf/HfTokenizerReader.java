package io.sparkllama.engine.format.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.tokenizer.ByteLevelAlphabet;
import io.sparkllama.engine.tokenizer.ByteLevelBpeTokenizer;
import io.sparkllama.engine.tokenizer.SentencePieceTokenizer;
import io.sparkllama.engine.tokenizer.SpecialTokens;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} whose model is BPE: with {@code byte_fallback}
 * (Llama 1/2, converted from SentencePiece: '▁' pieces and {@code <0xNN>} byte tokens) it becomes a
 * {@link SentencePieceTokenizer}, otherwise (Llama 3: GPT-2 byte alphabet) a
 * {@link ByteLevelBpeTokenizer} with the Llama 3 split pattern. A merged token's priority is the
 * index of the first merge that forms it; {@code added_tokens} are the special tokens.
 */
public final class HfTokenizerReader {
    /** Larger than any real tokenizer.json; refused before parsing. */
    private static final long MAX_BYTES = 256L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerReader() {
    }

    /** A tokenizer.json starts with a JSON object. */
    public static boolean looksLike(MemorySegment seg) {
        for (long i = 0; i < Math.min(seg.byteSize(), 64); i++) {
            byte b = seg.get(ValueLayout.JAVA_BYTE, i);
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    public static Tokenizer read(Path path, MemorySegment seg) {
        if (seg.byteSize() > MAX_BYTES) {
            throw TokenizerFormatException.of(path, seg.byteSize() + " bytes is too large for a tokenizer.json");
        }
        JsonNode root;
        try {
            root = JSON.readTree(seg.toArray(ValueLayout.JAVA_BYTE));
        } catch (IOException e) {
            throw TokenizerFormatException.of(path, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !"BPE".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw TokenizerFormatException.of(path, "model is not a BPE model with a vocab (only Llama's BPE tokenizer.json is supported)");
        }
        Map<String, Integer> vocab = new HashMap<>();
        int size = 0;
        Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = id(path, e.getKey(), e.getValue());
            vocab.put(e.getKey(), id);
            size = Math.max(size, id + 1);
        }
        Map<String, Integer> control = new HashMap<>();
        Map<String, Integer> userDefined = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText(null);
            if (content == null) {
                throw TokenizerFormatException.of(path, "added_tokens entry " + t + " has no content");
            }
            int id = id(path, content, t.get("id"));
            (t.path("special").asBoolean(true) ? control : userDefined).put(content, id);
            size = Math.max(size, id + 1);
        }
        int entries = vocab.size() + control.size() + userDefined.size();
        if (size > entries) {
            // Ids run 0..size-1 without gaps, so an id past the entries is wrong, and must not size an array.
            throw TokenizerFormatException.of(path, "token id " + (size - 1) + " is past the " + entries + " tokens the file lists");
        }
        String[] texts = new String[size];
        vocab.forEach((text, id) -> texts[id] = text);
        control.forEach((text, id) -> texts[id] = text);
        userDefined.forEach((text, id) -> texts[id] = text);
        for (int i = 0; i < size; i++) {
            if (texts[i] == null) {
                throw TokenizerFormatException.of(path, "no token has id " + i + " (ids must run 0.." + (size - 1) + ")");
            }
        }
        int[] mergeRank = mergeRanks(path, model.path("merges"), vocab, size);
        SpecialTokens specials = new SpecialTokens(control, userDefined);
        return model.path("byte_fallback").asBoolean(false)
                ? sentencePiece(texts, mergeRank, control, specials)
                : byteLevel(path, texts, mergeRank, control, specials);
    }

    private static Tokenizer sentencePiece(String[] texts, int[] mergeRank, Map<String, Integer> control, SpecialTokens specials) {
        byte[][] pieces = new byte[texts.length][];
        float[] scores = new float[texts.length];
        for (int i = 0; i < texts.length; i++) {
            String t = texts[i].replace('\u2581', ' ');
            // Control tokens are wrapped as llama2.c does, so that no text merges into them.
            pieces[i] = (control.containsKey(texts[i]) ? "\n" + t + "\n" : t).getBytes(StandardCharsets.UTF_8);
            // Earlier merge, higher score; a piece no merge forms is (almost) never formed.
            scores[i] = mergeRank[i] == Integer.MAX_VALUE ? -1e30f : -mergeRank[i];
        }
        int bos = control.getOrDefault("<s>", -1);
        int eos = control.getOrDefault("</s>", -1);
        return new SentencePieceTokenizer(pieces, scores, bos, eos, eos >= 0 ? new int[] {eos} : new int[0], specials);
    }

    private static Tokenizer byteLevel(Path path, String[] texts, int[] mergeRank, Map<String, Integer> control, SpecialTokens specials) {
        byte[][] tokens = new byte[texts.length][];
        int[] ranks = new int[texts.length];
        boolean noMerges = Arrays.stream(mergeRank).allMatch(r -> r == Integer.MAX_VALUE);
        for (int i = 0; i < texts.length; i++) {
            boolean special = control.containsKey(texts[i]);
            tokens[i] = special ? texts[i].getBytes(StandardCharsets.UTF_8) : ByteLevelAlphabet.decode(texts[i]);
            if (tokens[i] == null) {
                throw TokenizerFormatException.of(path, "token " + i + " '" + texts[i] + "' is not spelled in the byte-level alphabet");
            }
            // Without merges the id is the rank, as in tiktoken-derived vocabularies.
            ranks[i] = special ? Integer.MAX_VALUE : noMerges ? i : mergeRank[i];
        }
        int bos = control.getOrDefault("<|begin_of_text|>", -1);
        int eos = control.getOrDefault("<|end_of_text|>", -1);
        int[] stops = control.entrySet().stream()
                .filter(e -> e.getKey().equals("<|end_of_text|>") || e.getKey().equals("<|eot_id|>") || e.getKey().equals("<|eom_id|>"))
                .mapToInt(Map.Entry::getValue).sorted().toArray();
        return new ByteLevelBpeTokenizer(tokens, ranks, specials, ByteLevelBpeTokenizer.LLAMA3_SPLIT, bos, eos, stops);
    }

    /** For each token, the index of the first merge that forms it ({@link Integer#MAX_VALUE}: none). */
    private static int[] mergeRanks(Path path, JsonNode merges, Map<String, Integer> vocab, int size) {
        int[] rank = new int[size];
        Arrays.fill(rank, Integer.MAX_VALUE);
        int i = 0;
        for (JsonNode m : merges) {
            String left;
            String right;
            if (m.isArray() && m.size() == 2) {
                left = m.get(0).asText();
                right = m.get(1).asText();
            } else {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) {
                    throw TokenizerFormatException.of(path, "merge " + i + " '" + s + "' is not 'left right'");
                }
                left = s.substring(0, sp);
                right = s.substring(sp + 1);
            }
            Integer id = vocab.get(left + right);
            if (id == null) {
                throw TokenizerFormatException.of(path, "merge " + i + " forms '" + left + right + "', which is not in the vocab");
            }
            rank[id] = Math.min(rank[id], i);
            i++;
        }
        return rank;
    }

    private static int id(Path path, String token, JsonNode id) {
        if (id == null || !id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() > 16_000_000) {
            throw TokenizerFormatException.of(path, "token '" + token + "' has id " + id + ", expected a small non-negative integer");
        }
        return id.intValue();
    }
}
