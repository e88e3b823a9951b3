package io.sparkllama.engine.format.tiktoken;

/**
 * The 256 special tokens Meta's Llama 3.1 {@code tokenizer.py} appends after the ranked tokens
 * (they are not in {@code tokenizer.model}): 11 named ones, then reserved tokens numbered from 2.
 */
final class Llama3SpecialTokens {
    static final int COUNT = 256;
    private static final String[] NAMED = {
        "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
        "<|finetune_right_pad_id|>", "<|step_id|>", "<|start_header_id|>", "<|end_header_id|>",
        "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
    };
    static final int BEGIN_OF_TEXT = 0;
    static final int END_OF_TEXT = 1;
    static final int EOM = 8;
    static final int EOT = 9;

    private Llama3SpecialTokens() {
    }

    /** The text of special token {@code i} (0-based, added to the number of ranked tokens for its id). */
    static String name(int i) {
        return i < NAMED.length ? NAMED[i] : "<|reserved_special_token_" + (2 + i - NAMED.length) + "|>";
    }
}
