package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.jobs.EvalJob;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.sweep.Cell;
import io.sparkllama.jobs.sweep.CellStore;
import io.sparkllama.jobs.sweep.SweepConfig;
import io.sparkllama.jobs.sweep.SweepRunner;
import io.sparkllama.jobs.sweep.SweepSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An eval sweep end to end on local[2]: cells computed, per-sample Parquet and metrics.json,
 * acc re-derived by hand from the stored per-choice logprobs, resume after a "kill", regression
 * against an edited previous run, and the report rendered in headless Chromium.
 */
class EvalSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path sweepFile(Path out) throws IOException {
        Path model = TestSpark.requireShared("models/stories260K/stories260K.bin");
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        Path datasets = TestSpark.requireShared("datasets");
        Path f = tmp.resolve("sweep.yaml");
        Files.writeString(f, """
                name: test-sweep
                output: %s
                datasets: %s
                partitions: 2
                models:
                  - name: stories260K
                    path: %s
                tasks:
                  - name: perplexity
                    path: %s
                    mode: llamacpp
                  - arc_easy
                  - winogrande
                  - name: exact_match
                    path: %s
                settings:
                  ctx: [128]
                  n_shot: [0, 1]
                  limit: [3]
                tolerances:
                  acc: 0.05
                  perplexity: 0.01
                """.formatted(out, datasets, model, text, TestSpark.repo().resolve("datasets/samples/exact-match.jsonl")));
        return f;
    }

    /** activations is a grid axis: the same Q8_0 model gives llama.cpp's and run.c's (dequantized) perplexity. */
    @Test
    void activationsAreAGridAxis() throws Exception {
        Path model = TestSpark.requireShared("models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf");
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        Path out = tmp.resolve("acts");
        Path f = tmp.resolve("acts.yaml");
        Files.writeString(f, """
                output: %s
                models:
                  - name: h192-q8_0
                    path: %s
                tasks:
                  - name: perplexity
                    path: %s
                settings:
                  ctx: 128
                  activations: [int8, fp32]
                """.formatted(out, model, text));
        SweepConfig config = SweepConfig.read(f);
        List<Cell> cells = SweepRunner.cells(config);
        assertEquals(2, cells.size());
        assertEquals(2, run(config).computed());
        CellStore store = new CellStore(out);
        // ../shared/README.md: llama.cpp 10.7777; run.c on the dequantized weights 10.78191.
        assertEquals(10.7781, store.readMetrics(cells.get(0)).get("metrics").get("perplexity").asDouble(), 1e-4);
        assertEquals(10.78191, store.readMetrics(cells.get(1)).get("metrics").get("perplexity").asDouble(), 1e-4);
    }

    /** kv_cache_type is a grid axis (KvCacheTypeAccuracyTest's perplexities, cell by cell); kv_cache_memory reaches the cells. */
    @Test
    void kvCacheTypeIsAGridAxis() throws Exception {
        Path model = TestSpark.requireShared("models/stories260K-h192/stories260K-h192.bin");
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        Path out = tmp.resolve("kv");
        Path f = tmp.resolve("kv.yaml");
        Files.writeString(f, """
                output: %s
                kv_cache_memory: 64m
                model_cache_memory: 1g
                models:
                  - name: h192
                    path: %s
                tasks:
                  - name: perplexity
                    path: %s
                settings:
                  ctx: 128
                  kv_cache_type: [f32, f16, bf16]
                """.formatted(out, model, text));
        SweepConfig config = SweepConfig.read(f);
        List<Cell> cells = SweepRunner.cells(config);
        assertEquals(3, cells.size());
        assertEquals(64L << 20, config.kvCacheMemory());
        assertEquals(3, run(config).computed());
        CellStore store = new CellStore(out);
        double[] expected = {10.768450, 10.768203, 10.770701};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], store.readMetrics(cells.get(i)).get("metrics").get("perplexity").asDouble(), 2e-6,
                    "perplexity with kv_cache_type " + cells.get(i).settings().kvCacheType().label());
        }
    }

    private static SweepSummary run(SweepConfig c) {
        return SweepRunner.run(TestSpark.session(), c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void sweepComputesResumesComparesAndReports() throws Exception {
        Path out = tmp.resolve("out");
        SweepConfig config = EvalJob.config(JobArguments.parse("eval", new String[] {"--sweep", sweepFile(out).toString()}, 0, Set.of("sweep", "output"), Set.of()));
        List<Cell> cells = SweepRunner.cells(config);
        // perplexity: one cell (ctx only); arc, winogrande, exact_match: n_shot 0 and 1.
        assertEquals(7, cells.size());

        SweepSummary first = run(config);
        assertEquals(7, first.computed());
        assertTrue(first.tokens() > 0 && first.tokensPerSecond() > 0, "tokens counted");
        assertTrue(first.regressions().isEmpty());
        CellStore store = new CellStore(out);
        for (Cell c : cells) {
            assertTrue(Files.isRegularFile(store.dir(c).resolve("metrics.json")), c.key());
            assertTrue(Files.isRegularFile(store.samples(c).resolve("_SUCCESS")), c.key());
        }
        JsonNode ppl = store.readMetrics(cells.get(0)).get("metrics");
        assertEquals(10.7682, ppl.get("perplexity").asDouble(), 10.7682 * 0.005);
        assertEquals(84, ppl.get("n_windows").asInt());

        // acc and acc_norm of the ARC cell, worked out again from the per-choice logprobs it stored.
        Cell arc = cells.stream().filter(c -> c.task().name().equals("arc_easy") && c.settings().nShot() == 0).findFirst().orElseThrow();
        List<Row> samples = TestSpark.session().read().parquet(store.samples(arc).toString()).orderBy("sample").collectAsList();
        assertEquals(3, samples.size());
        List<String> answers = Files.readAllLines(TestSpark.requireShared("datasets/arc/ARC-Easy-test.jsonl")).subList(0, 3);
        double acc = 0;
        double accNorm = 0;
        for (int i = 0; i < 3; i++) {
            List<Double> lp = samples.get(i).getList(samples.get(i).fieldIndex("logprobs"));
            JsonNode doc = JSON.readTree(answers.get(i));
            int gold = List.of(JSON.convertValue(doc.get("choices").get("label"), String[].class)).indexOf(doc.get("answerKey").asText());
            int best = 0;
            int bestNorm = 0;
            for (int c = 1; c < lp.size(); c++) {
                best = lp.get(c) > lp.get(best) ? c : best;
                String tc = doc.get("choices").get("text").get(c).asText();
                String tb = doc.get("choices").get("text").get(bestNorm).asText();
                int bc = tc.codePointCount(0, tc.length());
                int bb = tb.codePointCount(0, tb.length());
                bestNorm = lp.get(c) / bc > lp.get(bestNorm) / bb ? c : bestNorm;
            }
            acc += best == gold ? 1 : 0;
            accNorm += bestNorm == gold ? 1 : 0;
        }
        JsonNode arcMetrics = store.readMetrics(arc).get("metrics");
        assertEquals(acc / 3, arcMetrics.get("acc").asDouble(), 1e-12);
        assertEquals(accNorm / 3, arcMetrics.get("acc_norm").asDouble(), 1e-12);

        // A rerun skips every complete cell; a cell whose metrics.json never got written (a kill) is redone.
        SweepSummary again = run(config);
        assertEquals(0, again.computed());
        assertEquals(7, again.skipped());
        Files.delete(store.dir(arc).resolve("metrics.json"));
        SweepSummary resumed = run(config);
        assertEquals(1, resumed.computed());
        assertEquals(arcMetrics, store.readMetrics(arc).get("metrics"), "deterministic: the redone cell matches");

        // Make the previous run look better than now: acc 0.5 higher and perplexity 1 lower -> two regressions.
        Path runs = out.resolve("runs");
        Path prev = runs.resolve(Files.readString(runs.resolve("latest")).strip()).resolve("metrics.json");
        ObjectNode run = (ObjectNode) JSON.readTree(prev.toFile());
        for (JsonNode c : run.get("cells")) {
            ObjectNode m = (ObjectNode) c.get("metrics");
            if (c.get("task").asText().equals("arc_easy") && c.get("settings").get("n_shot").asInt() == 0) {
                m.put("acc", m.get("acc").asDouble() + 0.5);
            }
            if (m.has("perplexity") && c.get("task").asText().startsWith("perplexity")) {
                m.put("perplexity", m.get("perplexity").asDouble() - 1);
            }
        }
        JSON.writeValue(prev.toFile(), run);
        SweepSummary regressed = run(config);
        assertEquals(2, regressed.regressions().size(), regressed.regressions().toString());
        assertFalse(EvalJob.report(regressed, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));

        Path report = out.resolve("report.html");
        String html = Files.readString(report);
        assertTrue(html.contains("Plotly") && html.contains(arc.key() + "/samples.parquet"), "report inlines plotly and links samples");
        assertFalse(html.contains("<script src="), "no external scripts: the report works offline");
        renderedInChromium(report);
    }

    /** Headless Chromium renders the three plots (plotly draws each into an SVG with class main-svg). */
    private void renderedInChromium(Path report) throws IOException, InterruptedException {
        String chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "skipped: the report's browser check needs Debian's chromium (apt-get install -y chromium)");
        Path shot = tmp.resolve("report.png");
        List<String> cmd = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + Files.createTempDirectory(tmp, "chrome"),
                "--virtual-time-budget=5000", "--screenshot=" + shot, "--window-size=1000,2400", "--dump-dom", report.toUri().toString());
        Path dumpFile = tmp.resolve("dom.html");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(dumpFile.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            org.junit.jupiter.api.Assertions.fail("chromium did not finish rendering report.html within 90 s");
        }
        String dump = Files.readString(dumpFile);
        // The body only: the inlined library in <head> must not count as rendered output.
        String dom = dump.substring(Math.max(0, dump.indexOf("<h1>")));
        long plots = dom.split("class=\"main-svg\"", -1).length - 1;
        assertTrue(plots >= 3, "rendered plot SVGs: " + plots);
        for (String id : List.of("ppl", "acc", "delta")) {
            int at = dom.indexOf("id=\"" + id + "\"");
            assertTrue(at >= 0 && dom.substring(at, dom.indexOf('>', at)).contains("js-plotly-plot"), "plot " + id + " rendered");
        }
        assertTrue(dom.contains("class=\"point\"") || dom.contains("class=\"bars\""), "bars drawn");
    }

    @Test
    void perplexityCommandPrintsJsonLast() throws IOException, InterruptedException {
        Path jar = TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar");
        TestSpark.requireBuilt(jar);
        Path model = TestSpark.requireShared("models/stories260K-h192/stories260K-h192.bin");
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"), "io.sparkllama.jobs.SparkLlama",
                "perplexity", "--input", text.toString(), "--model", model.toString(), "--ctx", "128", "--mode", "llamacpp", "--json");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        String[] lines = output.strip().split("\n");
        JsonNode r = JSON.readTree(lines[lines.length - 1]);
        assertEquals(10.7682, r.get("perplexity").asDouble(), 10.7682 * 0.005, "llama.cpp's F32 figure");
        assertEquals(10801, r.get("n_tokens").asInt());
        assertEquals(84, r.get("n_chunks").asInt());
        assertTrue(r.get("tok_per_s").asDouble() > 0);
    }
}
