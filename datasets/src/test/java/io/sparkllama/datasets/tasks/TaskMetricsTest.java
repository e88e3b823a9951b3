package io.sparkllama.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** acc / acc_norm / stderr on items whose answers are worked out by hand from per-choice logprobs. */
class TaskMetricsTest {
    private static TaskDoc doc(int gold, String... answers) {
        return new TaskDoc("d", java.util.Arrays.stream(answers).map(a -> new ChoiceRequest("Q:", " " + a, a)).toList(), gold);
    }

    private static DocOutcome outcome(TaskDoc doc, double... logprobs) {
        return new DocOutcome(doc, java.util.Arrays.stream(logprobs).mapToObj(l -> new ChoiceScore(l, false, 1)).toList());
    }

    @Test
    void accAndAccNormByHand() {
        // Item 1: sums -4 (2 bytes) vs -6 (6 bytes): acc picks 0 (-4 > -6); per byte -2 vs -1, acc_norm picks 1. Gold 1.
        DocOutcome a = outcome(doc(1, "ab", "abcdef"), -4, -6);
        // Item 2: -1 (1 byte) vs -3 (3 bytes) vs -0.5 (4 bytes): acc picks 2; per byte -1, -1, -0.125: acc_norm picks 2. Gold 2.
        DocOutcome b = outcome(doc(2, "a", "abc", "abcd"), -1, -3, -0.5);
        // Item 3: tie -2 vs -2 with 2 bytes each: numpy argmax takes the first; gold 1, so both wrong.
        DocOutcome c = outcome(doc(1, "xy", "zw"), -2, -2);
        // Item 4: -10 (10 bytes) vs -9 (3 bytes): acc picks 1; per byte -1 vs -3: acc_norm picks 0. Gold 0.
        DocOutcome d = outcome(doc(0, "abcdefghij", "abc"), -10, -9);
        assertEquals(0, a.predicted());
        assertEquals(1, a.predictedNorm());
        assertEquals(2, b.predicted());
        assertEquals(2, b.predictedNorm());
        assertEquals(0, c.predicted());
        assertEquals(0, c.predictedNorm());
        assertEquals(1, d.predicted());
        assertEquals(0, d.predictedNorm());

        Map<String, Double> m = TaskMetrics.compute(MetricKind.MULTIPLE_CHOICE, List.of(a, b, c, d));
        // acc: 0,1,0,0 -> mean 0.25; sample sd = sqrt((3*0.0625 + 0.5625)/3) = 0.5; stderr = 0.5/2 = 0.25.
        assertEquals(0.25, m.get("acc"), 1e-12);
        assertEquals(0.25, m.get("acc_stderr"), 1e-12);
        // acc_norm: 1,1,0,1 -> mean 0.75, stderr 0.25 by the same arithmetic.
        assertEquals(0.75, m.get("acc_norm"), 1e-12);
        assertEquals(0.25, m.get("acc_norm_stderr"), 1e-12);
        assertEquals(4.0, m.get("n_samples"));
    }

    @Test
    void acc_normDividesByCharactersAndAcc_bytesByUtf8Bytes() {
        // "é" is 1 character and 2 bytes: per character -3/1 loses to "ab"'s -4/2; per byte -3/2 = -1.5 beats -2.
        DocOutcome o = outcome(doc(0, "é", "ab"), -3, -4);
        assertEquals(1, o.predictedNorm());
        assertEquals(0, o.predictedBytes());
        // A character outside the BMP is one code point (Python's len) though two Java chars: "😀" -1.5 vs "ab" -4 per char -2.
        assertEquals(0, outcome(doc(0, "\uD83D\uDE00", "ab"), -1.5, -4).predictedNorm());
        Map<String, Double> m = TaskMetrics.compute(MetricKind.MULTIPLE_CHOICE, List.of(o));
        assertEquals(0.0, m.get("acc_norm"));
        assertEquals(1.0, m.get("acc_bytes"));
    }

    @Test
    void piqaItem99WithItsEnDashFlipsBetweenAcc_normAndAcc_bytes() {
        TaskDoc item = TaskCatalog.loglikelihood("piqa", TaskReadersTest.shared("piqa/valid.jsonl")).read().get(99);
        String sol1 = item.choices().get(0).choiceText();
        String sol2 = item.choices().get(1).choiceText();
        assertTrue(sol2.contains("\u2013"), sol2);
        int chars = sol2.codePointCount(0, sol2.length());
        assertEquals(chars + 2, sol2.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "the en dash is 3 bytes");
        // sol1 at -1 per character; sol2 at -(chars + 1): below -1 per character, above -1 per byte.
        DocOutcome o = outcome(item, -sol1.length(), -(chars + 1));
        assertEquals(1, item.gold());
        assertEquals(0, o.predictedNorm());
        assertEquals(0.0, o.accNorm());
        assertEquals(1, o.predictedBytes());
        assertEquals(1.0, o.accBytes());
    }

    @Test
    void greedyTargetMetricsLikeLambada() {
        TaskDoc t = doc(0, "word");
        DocOutcome hit = new DocOutcome(t, List.of(new ChoiceScore(-1.0, true, 2)));
        DocOutcome miss = new DocOutcome(t, List.of(new ChoiceScore(-3.0, false, 2)));
        Map<String, Double> m = TaskMetrics.compute(MetricKind.GREEDY_TARGET, List.of(hit, miss));
        assertEquals(0.5, m.get("acc"), 1e-12);
        assertEquals(0.5, m.get("acc_stderr"), 1e-12);
        assertEquals(Math.exp(2.0), m.get("perplexity"), 1e-9, "exp(-mean of per-item loglikelihoods)");
    }

    @Test
    void winograndeReportsAccOnly() {
        Map<String, Double> m = TaskMetrics.compute(MetricKind.MULTIPLE_CHOICE_ACC, List.of(outcome(doc(1, "x", "x"), -5, -4)));
        assertEquals(1.0, m.get("acc"));
        assertTrue(m.get("acc_stderr").isNaN(), "one item has no sample stderr");
        assertTrue(!m.containsKey("acc_norm"));
    }

    @Test
    void orderAndFewShotAreDeterministicAndNeverTheItem() {
        List<TaskDoc> docs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            docs.add(new TaskDoc("d" + i, List.of(new ChoiceRequest("Q" + i + ":", " A" + i, "A" + i)), 0));
        }
        TaskOptions o = new TaskOptions(3, 4, 7, true);
        int[] order = SampleOrder.select(10, o);
        assertEquals(4, order.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(order, SampleOrder.select(10, o));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 2}, SampleOrder.select(10, new TaskOptions(0, 3, 7, false)));
        for (int item = 0; item < 10; item++) {
            String p = FewShot.prefix(docs, item, o);
            assertEquals(p, FewShot.prefix(docs, item, o));
            assertEquals(3, p.split("\n\n").length);
            assertTrue(!p.contains("Q" + item + ":"), "item " + item + " is not its own example: " + p);
        }
        assertEquals("", FewShot.prefix(docs, 0, TaskOptions.DEFAULT));
    }

    @Test
    void generationCutsAtTheFirstStopSequence() {
        GenerationDoc d = new GenerationDoc("g", "1 + 1 =", "2", List.of("\n", "."), 4);
        assertEquals(" 2", d.cut(" 2.\nmore"));
        assertTrue(d.matches(" 2. and"));
        assertTrue(!d.matches(" 22"));
    }
}
