package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * lm-evaluation-harness' {@code _encode_pair}: trailing spaces of the context move to the
 * continuation; the pair is encoded whole and the continuation's tokens are what follows the
 * context's own encoding, so a token spanning the boundary belongs to the continuation. The
 * context is encoded with BOS first (an empty context is BOS alone).
 */
public record ContextSplit(int[] context, int[] continuation) {
    public static ContextSplit of(Tokenizer tokenizer, String context, String continuation) {
        int keep = context.length();
        while (keep > 0 && Character.isWhitespace(context.charAt(keep - 1))) {
            keep--;
        }
        String ctx = context.substring(0, keep);
        String cont = context.substring(keep) + continuation;
        int[] ctxEnc = ctx.isEmpty() ? new int[] {tokenizer.bosId()} : tokenizer.encode(ctx, true);
        int[] whole = ctx.isEmpty() ? tokenizer.encode(cont, false) : tokenizer.encode(ctx + cont, true);
        int from = ctx.isEmpty() ? 0 : ctxEnc.length;
        if (whole.length <= from) {
            throw new InvalidRequestException("loglikelihood: the continuation '" + continuation + "' adds no tokens to its context");
        }
        return new ContextSplit(ctxEnc, Arrays.copyOfRange(whole, from, whole.length));
    }
}
