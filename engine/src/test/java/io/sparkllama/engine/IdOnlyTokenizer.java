package io.sparkllama.engine;

import io.sparkllama.engine.tokenizer.Tokenizer;

/** A vocabulary of numbered tokens without text, for goldens given as token ids; nothing stops generation. */
public final class IdOnlyTokenizer implements Tokenizer {
    private final int size;

    public IdOnlyTokenizer(int size) {
        this.size = size;
    }

    @Override
    public int vocabSize() {
        return size;
    }

    @Override
    public int bosId() {
        return -1;
    }

    @Override
    public int eosId() {
        return -1;
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        throw new UnsupportedOperationException("ids only");
    }

    @Override
    public byte[] decodeBytes(int previous, int token) {
        return new byte[0];
    }

    @Override
    public boolean isStopToken(int token) {
        return false;
    }
}
