package io.sparkllama.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.RollingScorer;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.model.KvBlockPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Packed steps and prefix sharing against one request at a time, bit for bit: rows longer than a
 * step, rows waiting for KV blocks, rows over the KV budget, invalid rows mixed in, shared
 * prefixes under eviction.
 */
class PackedScorerTest {
    private static final String MODEL = "models/stories260K/stories260K.bin";
    private static final String TOKENIZER = "models/stories260K/tok512.bin";
    /** stories260K: 5 layers x keys and values of 32 positions x 32 floats. */
    private static final long BLOCK_BYTES = 5L * 2 * KvBlockPool.BLOCK * 32 * Float.BYTES;

    private static Engine open(int context, long kvBlocks) {
        return Engine.open(SharedFiles.require(MODEL), SharedFiles.require(TOKENIZER), context,
                io.sparkllama.engine.Engine.DEFAULT_PRECISION, kvBlocks * BLOCK_BYTES);
    }

    private static int[] random(Random r, int n, int[] prefix) {
        int[] t = Arrays.copyOf(prefix, prefix.length + n);
        for (int i = prefix.length; i < t.length; i++) {
            t[i] = 2 + r.nextInt(510);
        }
        return t;
    }

    @Test
    void packedScoresAreOneAtATimeBitsWithLongWaitingAndBadRowsMixedIn() {
        Random r = new Random(22);
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(random(r, 1 + r.nextInt(i % 5 == 0 ? 200 : 40), new int[] {1}));
        }
        rows.add(5, new int[] {1, 40, 9999, 7});                           // outside the vocabulary
        rows.add(9, random(r, 600, new int[] {1}));                        // over the context of 512
        rows.add(13, random(r, 300, new int[] {1}));                       // over the KV budget of 8 blocks (256 positions)
        rows.add(17, new int[] {1});                                       // nothing to score
        try (Engine engine = open(0, 8); InferenceSession alone = engine.newSession(1); InferenceSession packed = engine.newSession(2)) {
            List<ScoringRequest> requests = rows.stream().map(ScoringRequest::all).toList();
            for (boolean share : new boolean[] {false, true}) {
                PackedScorer scorer = packed.packedScorer(48, share);
                List<SequenceScore> got = scorer.scoreAll(requests);
                int errors = 0;
                for (int i = 0; i < rows.size(); i++) {
                    String what = "row " + i + (share ? " shared" : "");
                    ScoreResult want;
                    try {
                        want = alone.score(rows.get(i));
                    } catch (InvalidRequestException e) {
                        assertNotNull(got.get(i).error(), what);
                        assertEquals(e.getMessage(), got.get(i).error().getMessage(), what);
                        errors++;
                        continue;
                    }
                    assertNull(got.get(i).error(), what);
                    assertBits(want.logprobs(), want.sumLogprob(), got.get(i), what);
                }
                assertEquals(3, errors);
            }
        }
    }

    @Test
    void loglikelihoodChoicesShareTheirContextAndGiveTheSameBits() {
        Random r = new Random(7);
        int[] shots = random(r, 90, new int[] {1});                        // an n-shot prefix shared by every item
        List<int[][]> pairs = new ArrayList<>();
        for (int item = 0; item < 12; item++) {
            int[] context = random(r, 5 + r.nextInt(30), shots);
            for (int choice = 0; choice < 4; choice++) {
                pairs.add(new int[][] {context, random(r, 1 + r.nextInt(12), new int[0])});
            }
        }
        pairs.add(3, new int[][] {{1, 2}, {600}});                         // outside the vocabulary
        try (Engine engine = open(128, 64); InferenceSession packed = engine.newSession(2);
             Loglikelihood alone = engine.newLoglikelihood(1)) {
            for (boolean share : new boolean[] {false, true}) {
                List<ScoringRequest> requests = new ArrayList<>();
                List<Loglikelihood.Prepared> prepared = new ArrayList<>();
                for (int[][] p : pairs) {
                    try {
                        Loglikelihood.Prepared x = alone.prepare(p[0], p[1]);
                        prepared.add(x);
                        requests.add(x.request());
                    } catch (InvalidRequestException e) {
                        prepared.add(null);
                    }
                }
                PackedScorer scorer = packed.packedScorer(64, share);
                long requested = scorer.positionsRequested();
                long computed = scorer.positionsComputed();
                List<SequenceScore> got = scorer.scoreAll(requests);
                int k = 0;
                for (int i = 0; i < pairs.size(); i++) {
                    if (prepared.get(i) == null) {
                        continue;
                    }
                    LoglikelihoodResult want = alone.compute(pairs.get(i)[0], pairs.get(i)[1]);
                    LoglikelihoodResult have = prepared.get(i).result(got.get(k++));
                    String what = "pair " + i + (share ? " shared" : "");
                    assertBits(want.logprobs(), want.sumLogprob(), got.get(k - 1), what);
                    assertEquals(want.isGreedy(), have.isGreedy(), what);
                    assertEquals(want.truncatedTokens(), have.truncatedTokens(), what);
                }
                long ran = scorer.positionsComputed() - computed;
                long asked = scorer.positionsRequested() - requested;
                if (share) {
                    // The shots and each item's context run once, not once per choice and item.
                    assertTrue(ran * 3 < asked, ran + " positions run of " + asked);
                } else {
                    assertEquals(asked, ran);
                }
            }
        }
    }

    @Test
    void sharedPromptLogprobsAreReusedAndEvictionKeepsTheBits() {
        Random r = new Random(3);
        int[] system = random(r, 70, new int[] {1});
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(random(r, 1 + r.nextInt(50), i % 3 == 0 ? new int[] {1} : system));
        }
        rows.add(random(r, 0, system));                                    // the prompt alone: served from the cache
        // 12 blocks: the cache must give back blocks of finished rows for later ones.
        try (Engine engine = open(0, 12); InferenceSession alone = engine.newSession(1); InferenceSession packed = engine.newSession(1)) {
            PackedScorer scorer = packed.packedScorer(32, true);
            for (int round = 0; round < 2; round++) {
                List<SequenceScore> got = scorer.scoreAll(rows.stream().map(ScoringRequest::all).toList());
                for (int i = 0; i < rows.size(); i++) {
                    ScoreResult want = alone.score(rows.get(i));
                    assertBits(want.logprobs(), want.sumLogprob(), got.get(i), "row " + i + " round " + round);
                }
            }
            assertTrue(scorer.positionsComputed() * 2 < scorer.positionsRequested(),
                    scorer.positionsComputed() + " positions run of " + scorer.positionsRequested());
        }
    }

    @Test
    void rowsThatOnlyBeginAlikeShareStepsAndChoicesWaitForTheirContext() {
        Random r = new Random(11);
        try (Engine engine = open(0, 64); InferenceSession packed = engine.newSession(1)) {
            // 24 rows of 30 tokens that share BOS and one word: 720 positions fill 3 steps of 256, not one step per row.
            List<ScoringRequest> alike = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                alike.add(ScoringRequest.all(random(r, 28, new int[] {1, 70})));
            }
            PackedScorer scorer = packed.packedScorer(256, true);
            scorer.scoreAll(alike);
            assertEquals(3, scorer.steps());
            // 4 choices after a 60-token context: the first computes it, the others wait one step and reuse it.
            int[] context = random(r, 59, new int[] {1});
            List<ScoringRequest> choices = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int[] choice = Arrays.copyOf(context, context.length + 3);
                choice[context.length] = 100 + c; // distinct first tokens: nothing past the context is shared
                choice[context.length + 1] = 200;
                choice[context.length + 2] = 300;
                choices.add(new ScoringRequest(choice, context.length));
            }
            long computed = scorer.positionsComputed();
            scorer.scoreAll(choices);
            assertEquals(5, scorer.steps());
            // 61 of 62 positions for the first (BOS's keys and values are cached from the rows above; no logit is
            // needed there); 3 for each other (the context's last position again for its logits, then 2 of its own).
            assertEquals(61 + 3 * 3, scorer.positionsComputed() - computed);
        }
    }

    @Test
    void rollingWindowsPackedGiveTheRollingScorerBits() {
        Random r = new Random(5);
        try (Engine engine = open(64, 64); InferenceSession alone = engine.newSession(1); InferenceSession packed = engine.newSession(2)) {
            RollingScorer rolling = new RollingScorer(alone, 20);
            List<int[]> rows = List.of(random(r, 200, new int[] {1}), random(r, 30, new int[] {1}), random(r, 64, new int[] {1}));
            List<ScoringRequest> requests = new ArrayList<>();
            for (int[] row : rows) {
                requests.addAll(rolling.requests(row));
            }
            List<SequenceScore> got = packed.packedScorer(40, true).scoreAll(requests);
            int at = 0;
            for (int[] row : rows) {
                int windows = rolling.requests(row).size();
                ScoreResult have = rolling.combine(row, got.subList(at, at + windows), 0);
                at += windows;
                ScoreResult want = rolling.score(row);
                assertEquals(Arrays.toString(bits(want.logprobs())), Arrays.toString(bits(have.logprobs())));
                assertEquals(Double.doubleToLongBits(want.sumLogprob()), Double.doubleToLongBits(have.sumLogprob()));
            }
            assertEquals(rows.size() + 8, requests.size(), "201 tokens: a window of 64 then 7 of stride 20");
        }
    }

    private static void assertBits(float[] want, double wantSum, SequenceScore got, String what) {
        assertEquals(Arrays.toString(bits(want)), Arrays.toString(bits(got.logprobs())), what);
        assertEquals(Double.doubleToLongBits(wantSum), Double.doubleToLongBits(got.sumLogprob()), what + " sum");
    }

    private static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToIntBits(f[i]);
        }
        return b;
    }
}
