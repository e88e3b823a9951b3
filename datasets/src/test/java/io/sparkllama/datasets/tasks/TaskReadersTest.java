package io.sparkllama.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each task reads its published format into lm-eval's requests: the shared files, and small rows written here. */
class TaskReadersTest {
    @TempDir
    Path tmp;

    static Path shared(String rel) {
        String prop = System.getProperty("spark.llama.shared");
        Path p = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("datasets").resolve(rel);
        // In CI (CI=true) a missing file fails: a skip there would pass unchecked.
        assertTrue(Files.exists(p) || !"true".equalsIgnoreCase(System.getenv("CI")), p + " is not there, and CI=true");
        assumeTrue(Files.exists(p), "skipped: " + p + " is not there (see ../shared/datasets/README.md)");
        return p;
    }

    @Test
    void arcRowsInTheHuggingFaceSchema() throws IOException {
        Path f = tmp.resolve("arc.jsonl");
        Files.writeString(f, """
                {"id":"q1","question":"Which is a mammal?","choices":{"text":["shark","whale","trout"],"label":["A","B","C"]},"answerKey":"B"}
                {"id":"q2","question":"2+2?","choices":{"text":["3","4","5","6"],"label":["1","2","3","4"]},"answerKey":"2"}
                """);
        List<TaskDoc> docs = new ArcTask("arc_easy", f).read();
        assertEquals(2, docs.size());
        assertEquals(1, docs.get(0).gold());
        assertEquals(new ChoiceRequest("Question: Which is a mammal?\nAnswer:", " whale", "whale"), docs.get(0).choices().get(1));
        assertEquals(1, docs.get(1).gold(), "numeric labels 1-4");
        Files.writeString(f, "{\"id\":\"q3\",\"question\":\"x\",\"choices\":{\"text\":[\"a\"],\"label\":[\"A\"]},\"answerKey\":\"E\"}\n");
        TaskFormatException e = assertThrows(TaskFormatException.class, () -> new ArcTask("arc_easy", f).read());
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("answerKey"), e.getMessage());
        // The published files, where ../shared has them (skipped otherwise, after the rows above).
        assertEquals(2376, new ArcTask("arc_easy", shared("arc/ARC-Easy-test.jsonl")).read().size());
        assertEquals(1172, new ArcTask("arc_challenge", shared("arc/ARC-Challenge-test.jsonl")).read().size());
    }

    @Test
    void sharedFilesReadAsPublished() {
        List<TaskDoc> piqa = PiqaTask.of("piqa", shared("piqa/valid.jsonl")).read();
        assertEquals(1838, piqa.size());
        assertTrue(piqa.get(0).choices().get(0).context().startsWith("Question: How do I ready a guinea pig cage"));
        assertEquals(0, piqa.get(0).gold());

        List<TaskDoc> hs = new HellaswagTask("hellaswag", shared("hellaswag/hellaswag_val_full.txt")).read();
        assertEquals(10042, hs.size());
        assertEquals("Roof shingle removal: A man is sitting on a roof. he", hs.get(0).choices().get(0).context());
        assertEquals(" starts pulling up roofing on a roof.", hs.get(0).choices().get(3).continuation());
        assertEquals(3, hs.get(0).gold());

        List<TaskDoc> wg = new WinograndeTask("winogrande", shared("winogrande/winogrande.jsonl")).read();
        assertEquals(1267, wg.size());
        assertEquals("Sarah was a much better surgeon than Maria so Maria", wg.get(0).choices().get(1).context());
        assertEquals(" always got the easier cases.", wg.get(0).choices().get(1).continuation());
        assertEquals(1, wg.get(0).gold());

        List<TaskDoc> lb = new LambadaTask("lambada_openai", shared("lambada/lambada_test.jsonl")).read();
        assertEquals(5153, lb.size());
        assertEquals(" signs", lb.get(0).choices().get(0).continuation());
        assertTrue(lb.get(0).choices().get(0).context().endsWith("I don't care about"));
    }

    @Test
    void generationTaskSample() {
        Path f = Path.of("samples", "exact-match.jsonl");
        if (!Files.exists(f)) {
            f = Path.of("datasets", "samples", "exact-match.jsonl");
        }
        List<GenerationDoc> docs = new GenerationTask("exact_match", f).read();
        assertEquals(6, docs.size());
        assertEquals("2", docs.get(2).answer());
        assertEquals(List.of("\n", "."), docs.get(2).stop());
    }
}
