package io.sparkllama.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE as tiktoken and Llama 3 use it: text is cut at special tokens, the ordinary text
 * is split into words by a regex, a word that is itself a token is emitted whole, and any other
 * word starts as single bytes and repeatedly merges the adjacent pair whose joined bytes have the
 * lowest rank (leftmost on ties) until no joined pair is a rankable token.
 *
 * <p>Tokens are raw byte strings (held as Latin-1 {@code String}s for lookup), so this class is
 * independent of how a file spells them (tiktoken base64, GPT-2's byte-to-unicode alphabet).
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** Llama 3's pre-tokenizer split pattern (tiktoken {@code pat_str}). */
    public static final Pattern LLAMA3_SPLIT = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private final byte[][] tokens;
    private final int[] ranks;
    private final Map<String, Integer> ids;
    private final int[] byteTokens = new int[256];
    private final SpecialTokens specials;
    private final Pattern split;
    private final int bos;
    private final int eos;
    private final int[] stopTokens;

    /**
     * @param tokens     the raw bytes of every token id (special tokens: their UTF-8 text)
     * @param ranks      merge priority of each token, lower merges first ({@link Integer#MAX_VALUE}:
     *                   never formed by a merge, e.g. special tokens); for tiktoken files the rank is the id
     * @param specials   special-token texts and ids
     * @param split      the pre-tokenizer pattern, e.g. {@link #LLAMA3_SPLIT}
     * @param bos        beginning-of-text id, or -1
     * @param eos        end-of-text id, or -1
     * @param stopTokens ids at which generation stops (e.g. end-of-text and end-of-turn)
     */
    public ByteLevelBpeTokenizer(byte[][] tokens, int[] ranks, SpecialTokens specials, Pattern split,
                                 int bos, int eos, int[] stopTokens) {
        if (tokens.length != ranks.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but " + ranks.length + " ranks");
        }
        this.tokens = tokens;
        this.ranks = ranks;
        this.specials = specials;
        this.split = split;
        this.bos = bos;
        this.eos = eos;
        this.stopTokens = stopTokens.clone();
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(latin1(tokens[i]), i);
        }
        Arrays.fill(byteTokens, -1);
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf((char) b));
            if (id != null) {
                byteTokens[b] = id;
            }
        }
    }

    @Override
    public int vocabSize() {
        return tokens.length;
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

    /** The raw bytes of a token. */
    public byte[] tokenBytes(int token) {
        return tokens[token];
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        return encode(text, addBos, false);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList();
        if (addBos && bos >= 0) {
            out.add(bos);
        }
        List<SpecialTokens.Fragment> fragments = specials.split(text, parseSpecial);
        for (SpecialTokens.Fragment f : fragments) {
            if (f.isToken()) {
                out.add(f.token());
            } else {
                encodeText(f.text(), out);
            }
        }
        return out.toArray();
    }

    private void encodeText(String text, IntList out) {
        Matcher m = split.matcher(text);
        while (m.find()) {
            byte[] word = text.substring(m.start(), m.end()).getBytes(StandardCharsets.UTF_8);
            Integer whole = ids.get(latin1(word));
            if (whole != null) {
                out.add(whole);
            } else {
                mergeWord(word, out);
            }
        }
    }

    /**
     * BPE over the bytes of one word: a linked list of symbols and a queue of candidate merges
     * ordered by (rank, position), so the lowest rank merges first, leftmost on ties, in
     * O(n log n) even for a pathological word of thousands of bytes.
     */
    private void mergeWord(byte[] word, IntList out) {
        int n = word.length;
        String bytes = latin1(word);
        int[] sym = new int[n];
        int[] len = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteTokens[word[i] & 0xFF];
            len[i] = 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // Candidate: rank in the high 32 bits, left position in the low ones; the joined length
        // checks that neither side has changed since it was queued.
        java.util.PriorityQueue<long[]> queue = new java.util.PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, bytes, i, 2);
        }
        while (!queue.isEmpty()) {
            long[] c = queue.poll();
            int left = (int) c[0];
            int right = next[left] < 0 || len[left] < 0 ? -1 : next[left];
            if (right < 0 || len[left] + len[right] != (int) c[1]) {
                continue;
            }
            sym[left] = (int) c[2];
            len[left] += len[right];
            len[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(queue, bytes, prev[left], len[prev[left]] + len[left]);
            }
            if (next[left] >= 0) {
                offer(queue, bytes, left, len[left] + len[next[left]]);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
    }

    /** Queues the merge of the {@code joined} bytes starting at {@code left}, if they form a rankable token. */
    private void offer(java.util.PriorityQueue<long[]> queue, String bytes, int left, int joined) {
        Integer id = ids.get(bytes.substring(left, left + joined));
        if (id != null && ranks[id] != Integer.MAX_VALUE) {
            queue.add(new long[] {((long) ranks[id] << 32) | left, joined, id});
        }
    }

    @Override
    public byte[] decodeBytes(int previous, int token) {
        return tokens[token];
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A growable int array, to avoid boxing token ids. */
    private static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
