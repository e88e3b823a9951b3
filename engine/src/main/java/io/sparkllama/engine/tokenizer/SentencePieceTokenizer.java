package io.sparkllama.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE as Llama 1/2 use it: a space is prefixed to non-empty text, every UTF-8
 * character starts as its own piece (or as byte tokens {@code <0xNN>} when it has none), then the
 * adjacent pair whose merge has the highest score is merged, leftmost first, until none is left.
 *
 * <p>Pieces are kept as byte strings (Latin-1 {@code String}s hold one byte per char), so byte
 * tokens and partial UTF-8 sequences round-trip exactly.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids;
    private final int[] byteTokens = new int[256];
    private final int bos;
    private final int eos;
    private final int[] stopTokens;
    private final SpecialTokens specials;

    /**
     * @param pieces     raw bytes of each token's piece, SentencePiece's '▁' already turned into ' '
     * @param scores     merge priority of each piece (higher merges first)
     * @param stopTokens ids at which generation stops
     */
    public SentencePieceTokenizer(byte[][] pieces, float[] scores, int bos, int eos, int[] stopTokens) {
        this(pieces, scores, bos, eos, stopTokens, SpecialTokens.NONE);
    }

    /** @param specials texts that encode to single special ids (llama.cpp's special-token parsing) */
    public SentencePieceTokenizer(byte[][] pieces, float[] scores, int bos, int eos, int[] stopTokens, SpecialTokens specials) {
        this.specials = specials;
        this.pieces = pieces;
        this.scores = scores;
        this.bos = bos;
        this.eos = eos;
        this.stopTokens = stopTokens.clone();
        this.ids = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(latin1(pieces[i]), i);
        }
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.format("<0x%02X>", b));
            byteTokens[b] = id == null ? -1 : id;
        }
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public boolean isStopToken(int token) {
        for (int s : stopTokens) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }

    /** The raw piece of a token, before byte-token and leading-space handling. */
    public byte[] piece(int token) {
        return pieces[token];
    }

    public float score(int token) {
        return scores[token];
    }

    /**
     * llama.cpp's SPM behaviour: the text is cut at special tokens, and each ordinary piece is
     * encoded on its own with the dummy-prefix space.
     */
    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        java.util.List<SpecialTokens.Fragment> fragments = specials.split(text, parseSpecial);
        if (fragments.size() == 1 && !fragments.get(0).isToken()) {
            return encode(text, addBos);
        }
        int[] out = new int[16];
        int n = 0;
        if (addBos && bos >= 0) {
            out[n++] = bos;
        }
        for (SpecialTokens.Fragment f : fragments) {
            int[] ids = f.isToken() ? new int[] {f.token()} : encode(f.text(), false);
            out = ensure(out, n + ids.length);
            System.arraycopy(ids, 0, out, n, ids.length);
            n += ids.length;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[utf8.length + 2];
        int n = 0;
        if (addBos && bos >= 0) {
            tokens[n++] = bos;
        }
        if (utf8.length == 0) {
            return java.util.Arrays.copyOf(tokens, n);
        }
        int start = n;
        Integer space = ids.get(" ");
        if (space != null) {
            tokens[n++] = space;
        }
        int i = 0;
        while (i < utf8.length) {
            int len = utf8SequenceLength(utf8, i);
            Integer id = ids.get(new String(utf8, i, len, StandardCharsets.ISO_8859_1));
            if (id != null) {
                tokens = ensure(tokens, n + 1);
                tokens[n++] = id;
            } else {
                tokens = ensure(tokens, n + len);
                for (int b = 0; b < len; b++) {
                    int bt = byteTokens[utf8[i + b] & 0xFF];
                    tokens[n++] = bt >= 0 ? bt : 0;
                }
            }
            i += len;
        }
        n = start + merge(tokens, start, n - start);
        return java.util.Arrays.copyOf(tokens, n);
    }

    /** Greedy best-score pair merging over tokens[off..off+n); returns the new count. */
    private int merge(int[] tokens, int off, int n) {
        if (n < 2) {
            return n;
        }
        int[] tok = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] version = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = tokens[off + i];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // A candidate merge (left index, its version when queued); best score first, leftmost on ties.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> {
            int c = Float.compare(Float.intBitsToFloat((int) b[1]), Float.intBitsToFloat((int) a[1]));
            return c != 0 ? c : Long.compare(a[0], b[0]);
        });
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, tok, version, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] cand = queue.poll();
            int left = (int) cand[0];
            int right = next[left];
            if (tok[left] < 0 || right < 0 || version[left] != (int) cand[2] || version[right] != (int) cand[3]) {
                continue;
            }
            tok[left] = (int) cand[4];
            version[left]++;
            tok[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(queue, tok, version, prev[left], left);
            }
            if (next[left] >= 0) {
                offer(queue, tok, version, left, next[left]);
            }
        }
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            tokens[off + count++] = tok[i];
        }
        return count;
    }

    private void offer(PriorityQueue<long[]> queue, int[] tok, int[] version, int left, int right) {
        byte[] a = pieces[tok[left]];
        byte[] b = pieces[tok[right]];
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        Integer id = ids.get(latin1(joined));
        if (id != null) {
            queue.add(new long[] {left, Float.floatToRawIntBits(scores[id]), version[left], version[right], id});
        }
    }

    @Override
    public byte[] decodeBytes(int previous, int token) {
        byte[] piece = pieces[token];
        if (previous == bos && bos >= 0 && piece.length > 0 && piece[0] == ' ') {
            return java.util.Arrays.copyOfRange(piece, 1, piece.length);
        }
        int b = byteValue(piece);
        if (b >= 0) {
            return new byte[] {(byte) b};
        }
        return piece;
    }

    /** The byte a {@code <0xNN>} piece stands for, or -1 for any other piece. */
    private static int byteValue(byte[] p) {
        if (p.length != 6 || p[0] != '<' || p[1] != '0' || p[2] != 'x' || p[5] != '>') {
            return -1;
        }
        int hi = Character.digit(p[3], 16);
        int lo = Character.digit(p[4], 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static int utf8SequenceLength(byte[] s, int i) {
        int b = s[i] & 0xFF;
        int len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        int end = Math.min(s.length, i + len);
        for (int j = i + 1; j < end; j++) {
            if ((s[j] & 0xC0) != 0x80) {
                return j - i;
            }
        }
        return end - i;
    }

    private static int[] ensure(int[] a, int size) {
        return size <= a.length ? a : java.util.Arrays.copyOf(a, Math.max(size, a.length * 2));
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
