package io.sparkllama.engine.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.format.gguf.GgufFile;
import io.sparkllama.engine.format.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model file's own chat template (Jinja source) and the texts of its BOS and EOS tokens, which
 * templates print: GGUF metadata {@code tokenizer.chat_template}, or {@code chat_template} in the
 * {@code tokenizer_config.json} beside the model (a string, or a list of named templates, of which
 * {@code default} is taken).
 *
 * @param origin where the template was found, for error messages
 */
public record ChatTemplateSource(String template, String bosToken, String eosToken, String origin) {
    /** Larger than any real tokenizer_config.json; refused before parsing. */
    private static final long MAX_CONFIG_BYTES = 64L << 20;

    /** The template carried by {@code model} (a file or directory), or null when it carries none. */
    public static ChatTemplateSource find(Path model) {
        Path gguf = Files.isDirectory(model) ? ModelLoader.ggufIn(model) : model;
        if (gguf != null && ModelLoader.isGguf(gguf)) {
            try (MappedFile file = MappedFile.open(gguf)) {
                return fromGguf(GgufFile.read(file).metadata(), gguf.toString());
            }
        }
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path config = dir == null ? null : dir.resolve("tokenizer_config.json");
        return config != null && Files.isRegularFile(config) ? fromTokenizerConfig(config) : null;
    }

    static ChatTemplateSource fromGguf(GgufMetadata md, String origin) {
        if (!md.has("tokenizer.chat_template")) {
            return null;
        }
        String[] tokens = md.has("tokenizer.ggml.tokens") ? md.stringArray("tokenizer.ggml.tokens") : new String[0];
        return new ChatTemplateSource(md.string("tokenizer.chat_template"),
                tokenText(tokens, md.integer("tokenizer.ggml.bos_token_id", -1)),
                tokenText(tokens, md.integer("tokenizer.ggml.eos_token_id", -1)), origin + " (tokenizer.chat_template)");
    }

    private static String tokenText(String[] tokens, int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : "";
    }

    static ChatTemplateSource fromTokenizerConfig(Path config) {
        JsonNode root;
        try {
            if (Files.size(config) > MAX_CONFIG_BYTES) {
                throw new ModelFormatException(config + ": " + Files.size(config) + " bytes is too large for a tokenizer_config.json");
            }
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(config + ": not readable JSON (" + e.getMessage() + ")");
        }
        JsonNode t = root.get("chat_template");
        String template = null;
        if (t != null && t.isTextual()) {
            template = t.asText();
        } else if (t != null && t.isArray()) {
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    template = named.get("template").asText();
                }
            }
        }
        if (template == null) {
            return null;
        }
        return new ChatTemplateSource(template, special(root.get("bos_token")), special(root.get("eos_token")),
                config + " (chat_template)");
    }

    /** A special token as tokenizer_config.json writes it: a string, or an object with its {@code content}. */
    private static String special(JsonNode n) {
        if (n == null || n.isNull()) {
            return "";
        }
        return n.isTextual() ? n.asText() : n.path("content").asText("");
    }
}
