package io.sparkllama.engine.tokenizer;

/** Text to token ids and back, for one vocabulary. Implementations are immutable and thread-safe. */
public interface Tokenizer {
    int vocabSize();

    /** Beginning-of-sequence id, or -1 if the vocabulary has none. */
    int bosId();

    /** End-of-sequence id, or -1 if the vocabulary has none. */
    int eosId();

    /** Ids of {@code text}, with the BOS id first when {@code addBos}. */
    int[] encode(String text, boolean addBos);

    /**
     * Like {@link #encode(String, boolean)}, but when {@code parseSpecial} the texts of special
     * tokens (e.g. {@code <|eot_id|>}) become their ids instead of being tokenized as text.
     * Vocabularies without special tokens ignore the flag.
     */
    default int[] encode(String text, boolean addBos, boolean parseSpecial) {
        return encode(text, addBos);
    }

    /**
     * Raw bytes that {@code token} adds to the text when it follows {@code previous} (-1 at the
     * start); may be part of a UTF-8 sequence that later tokens complete.
     */
    byte[] decodeBytes(int previous, int token);

    /** Whether generation should stop when the model produces {@code token}. */
    boolean isStopToken(int token);

    /** The text of {@code tokens[off..off+len)}, decoded after {@code previous}. */
    default String decode(int previous, int[] tokens, int off, int len) {
        TextAssembler text = new TextAssembler();
        int prev = previous;
        for (int i = off; i < off + len; i++) {
            text.append(decodeBytes(prev, tokens[i]));
            prev = tokens[i];
        }
        return text.toString();
    }
}
