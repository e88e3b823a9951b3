package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.tokenizer.ByteLevelAlphabet;
import io.sparkllama.engine.tokenizer.ByteLevelBpeTokenizer;
import io.sparkllama.engine.tokenizer.SentencePieceTokenizer;
import io.sparkllama.engine.tokenizer.SpecialTokens;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer stored in a GGUF file's metadata: {@code tokenizer.ggml.model} {@code llama}
 * (SentencePiece BPE with scores and byte tokens) or {@code gpt2} (byte-level BPE with merges; the
 * Llama 3 pre-tokenizer).
 */
public final class GgufTokenizerReader {
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_USER_DEFINED = 4;

    private GgufTokenizerReader() {
    }

    public static Tokenizer read(GgufFile gguf) {
        Path path = gguf.file().path();
        GgufMetadata md = gguf.metadata();
        if (!md.has("tokenizer.ggml.model")) {
            throw TokenizerFormatException.of(path, "has no tokenizer in its metadata (tokenizer.ggml.model is missing); pass one with --tokenizer");
        }
        String model = md.string("tokenizer.ggml.model");
        String[] texts = md.stringArray("tokenizer.ggml.tokens");
        int[] types = md.has("tokenizer.ggml.token_type") ? md.intArray("tokenizer.ggml.token_type") : new int[texts.length];
        if (types.length != texts.length) {
            throw TokenizerFormatException.of(path, "tokenizer.ggml.token_type has " + types.length + " entries for " + texts.length + " tokens");
        }
        return switch (model) {
            case "llama" -> sentencePiece(path, md, texts, types);
            case "gpt2" -> byteLevel(path, md, texts, types);
            default -> throw TokenizerFormatException.of(path, "tokenizer.ggml.model '" + model + "' is not supported (llama and gpt2 are)");
        };
    }

    private static Tokenizer sentencePiece(Path path, GgufMetadata md, String[] texts, int[] types) {
        float[] scores = md.has("tokenizer.ggml.scores") ? md.floatArray("tokenizer.ggml.scores") : new float[texts.length];
        if (scores.length != texts.length) {
            throw TokenizerFormatException.of(path, "tokenizer.ggml.scores has " + scores.length + " entries for " + texts.length + " tokens");
        }
        byte[][] pieces = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            pieces[i] = texts[i].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        int bos = id(path, md, "tokenizer.ggml.bos_token_id", 1, texts.length);
        int eos = id(path, md, "tokenizer.ggml.eos_token_id", 2, texts.length);
        // llama2.c-trained models end a story with BOS, so it stops generation as well.
        int[] stops = stopTokens(path, md, texts, eos, bos);
        return new SentencePieceTokenizer(pieces, scores, bos, eos, stops, specials(texts, types));
    }

    private static Tokenizer byteLevel(Path path, GgufMetadata md, String[] texts, int[] types) {
        String pre = md.string("tokenizer.ggml.pre", "llama-bpe");
        if (!pre.equals("llama-bpe") && !pre.equals("llama3") && !pre.equals("default")) {
            throw TokenizerFormatException.of(path, "tokenizer.ggml.pre '" + pre + "' is not supported (only Llama 3's 'llama-bpe')");
        }
        byte[][] bytes = new byte[texts.length][];
        Map<String, Integer> bySpelling = new HashMap<>(texts.length * 2);
        for (int i = 0; i < texts.length; i++) {
            boolean special = types[i] == TYPE_CONTROL || types[i] == TYPE_USER_DEFINED;
            bytes[i] = special ? texts[i].getBytes(StandardCharsets.UTF_8) : ByteLevelAlphabet.decodeOrUtf8(texts[i]);
            bySpelling.putIfAbsent(texts[i], i);
        }
        int[] ranks = new int[texts.length];
        Arrays.fill(ranks, Integer.MAX_VALUE);
        String[] merges = md.stringArray("tokenizer.ggml.merges");
        for (int r = 0; r < merges.length; r++) {
            String m = merges[r];
            int sp = m.indexOf(' ', 1);
            if (sp < 0) {
                throw TokenizerFormatException.of(path, "tokenizer.ggml.merges[" + r + "] '" + m + "' is not two tokens separated by a space");
            }
            Integer id = bySpelling.get(m.substring(0, sp) + m.substring(sp + 1));
            if (id != null && ranks[id] == Integer.MAX_VALUE) {
                ranks[id] = r;
            }
        }
        int bos = id(path, md, "tokenizer.ggml.bos_token_id", -1, texts.length);
        int eos = id(path, md, "tokenizer.ggml.eos_token_id", -1, texts.length);
        int[] stops = stopTokens(path, md, texts, eos, -1);
        return new ByteLevelBpeTokenizer(bytes, ranks, specials(texts, types), ByteLevelBpeTokenizer.LLAMA3_SPLIT, bos, eos, stops);
    }

    /** Control and unknown tokens are parsed from text on request, user-defined ones always (as llama.cpp does). */
    private static SpecialTokens specials(String[] texts, int[] types) {
        Map<String, Integer> control = new LinkedHashMap<>();
        Map<String, Integer> user = new LinkedHashMap<>();
        for (int i = 0; i < texts.length; i++) {
            if (types[i] == TYPE_CONTROL || types[i] == TYPE_UNKNOWN) {
                control.putIfAbsent(texts[i], i);
            } else if (types[i] == TYPE_USER_DEFINED) {
                user.putIfAbsent(texts[i], i);
            }
        }
        return new SpecialTokens(control, user);
    }

    /** EOS, the end-of-turn ids (from metadata, or the Llama 3 texts), and {@code extra} when >= 0. */
    private static int[] stopTokens(Path path, GgufMetadata md, String[] texts, int eos, int extra) {
        int[] out = new int[6];
        int n = 0;
        for (String key : new String[] {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
            int id = id(path, md, key, -1, texts.length);
            if (id >= 0) {
                out[n++] = id;
            }
        }
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].equals("<|eot_id|>") || texts[i].equals("<|eom_id|>")) {
                out[n++] = i;
                if (n == out.length - 2) {
                    break;
                }
            }
        }
        if (eos >= 0) {
            out[n++] = eos;
        }
        if (extra >= 0) {
            out[n++] = extra;
        }
        return Arrays.copyOf(out, n);
    }

    /** A token id from metadata; -1 (none) for ggml's "unset" value. */
    private static int id(Path path, GgufMetadata md, String key, int fallback, int vocab) {
        if (!md.has(key)) {
            return fallback;
        }
        Object v = md.get(key);
        long id = v instanceof Long l ? l : -1;
        if (id == 0xFFFFFFFFL || id == -1) {
            return -1;
        }
        if (id < 0 || id >= vocab) {
            throw TokenizerFormatException.of(path, key + " is " + id + ", outside the " + vocab + "-token vocabulary");
        }
        return (int) id;
    }
}
