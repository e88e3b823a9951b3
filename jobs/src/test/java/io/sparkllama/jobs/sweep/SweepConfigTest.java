package io.sparkllama.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.udfs.ModelHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files: the shipped nightly sweep parses, mistakes name the file and key, regressions follow metric direction. */
class SweepConfigTest {
    @TempDir
    Path tmp;

    @Test
    void nightlySweepParses() {
        Path f = Path.of("..", "conf", "sweeps", "nightly.yaml");
        SweepConfig c = SweepConfig.read(f);
        assertEquals("nightly", c.name());
        assertEquals(6, c.models().size());
        assertEquals("q4_0-pure", c.models().get(5).weightType());
        assertEquals(9, c.tasks().size());
        assertEquals("perplexity:llamacpp", c.tasks().get(0).label());
        assertEquals(List.of(new CellSettings(128, 0, 50, 1234, false, ActivationPrecision.INT8)), c.grid());
        assertEquals(0.05, c.tolerances().get("acc"));
    }

    @Test
    void gridIsEveryCombination() throws IOException {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_easy]\nsettings: {ctx: [64, 128], n_shot: [0, 1, 5], seed: 7}\n");
        SweepConfig c = SweepConfig.read(f);
        assertEquals(6, c.grid().size());
        assertEquals(new CellSettings(128, 5, 0, 7, false, ActivationPrecision.INT8), c.grid().get(5));
        assertTrue(c.tasks().get(0).path().endsWith("arc/ARC-Easy-test.jsonl"));

        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_easy]\nsettings: {ctx: 64, activations: [int8, fp32]}\n");
        List<CellSettings> both = SweepConfig.read(f).grid();
        assertEquals(List.of(new CellSettings(64, 0, 0, 1234, false, ActivationPrecision.INT8),
                new CellSettings(64, 0, 0, 1234, false, ActivationPrecision.FP32)), both);
        assertEquals("fp32", both.get(1).asMap().get("activations"), "part of the cell key");
    }

    @Test
    void memorySettingsPerSweepAndModelAndKvCacheTypePerCell() throws IOException {
        Path f = tmp.resolve("mem.yaml");
        Files.writeString(f, """
                kv_cache_memory: 512m
                model_cache_memory: 2g
                models: [{path: a.bin}, {path: b.bin, kv_cache_memory: 64m}]
                tasks: [arc_easy]
                settings: {ctx: 64, kv_cache_type: [f32, bf16]}
                """);
        SweepConfig c = SweepConfig.read(f);
        assertEquals(512L << 20, c.kvCacheMemory());
        assertEquals(2L << 30, c.modelCacheMemory());
        assertEquals(0, c.models().get(0).kvCacheMemory(), "the sweep's budget");
        assertEquals(64L << 20, c.models().get(1).kvCacheMemory());
        assertEquals(List.of(new CellSettings(64, 0, 0, 1234, false, ActivationPrecision.INT8, KvCacheType.F32),
                new CellSettings(64, 0, 0, 1234, false, ActivationPrecision.INT8, KvCacheType.BF16)), c.grid());
        // f32 keeps the keys of sweeps written before the setting; bf16 is part of its cells' keys.
        assertEquals(new CellSettings(64, 0, 0, 1234, false, ActivationPrecision.INT8).asMap(), c.grid().get(0).asMap());
        assertEquals("bf16", c.grid().get(1).asMap().get("kv_cache_type"));
        Cell a = new Cell(c.models().get(0), c.tasks().get(0), c.grid().get(1), "sha-a", "sha-d");
        Cell b = new Cell(c.models().get(1), c.tasks().get(0), c.grid().get(0), "sha-b", "sha-d");
        assertTrue(!a.key().equals(new Cell(a.model(), a.task(), c.grid().get(0), "sha-a", "sha-d").key()), "kv_cache_type splits cells");

        ModelHandle ha = SweepRunner.handle(c, a);
        assertEquals(512L << 20, ha.kvCacheMemory());
        assertEquals(2L << 30, ha.modelCacheMemory());
        assertEquals(KvCacheType.BF16, ha.kvCacheType());
        ModelHandle hb = SweepRunner.handle(c, b);
        assertEquals(64L << 20, hb.kvCacheMemory(), "the model's own budget wins");
        assertEquals(KvCacheType.F32, hb.kvCacheType());
        assertEquals(ha.cacheKey().replace("a.bin", "b.bin"), hb.cacheKey(), "memory settings are not part of the executor's model key");

        Files.writeString(f, "kv_cache_memory: lots\nmodels: [{path: m.bin}]\ntasks: [arc_easy]\n");
        SweepException e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertEquals(f + ": kv_cache_memory must be a size such as 512m or 4g, got 'lots'", e.getMessage());
        Files.writeString(f, "models: [{path: m.bin, kv_cache_memory: -1}]\ntasks: [arc_easy]\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertEquals(f + ": models[].kv_cache_memory must be a size such as 512m or 4g, got '-1'", e.getMessage());
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_easy]\nsettings: {kv_cache_type: q8}\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertEquals(f + ": settings.kv_cache_type must be f32, f16 or bf16, got 'q8'", e.getMessage());
    }

    @Test
    void mistakesNameTheFileAndKey() throws IOException {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_eazy]\n");
        SweepException e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("arc_eazy"), e.getMessage());
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_easy]\nsettings: {ctx: big}\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertTrue(e.getMessage().contains("settings.ctx"), e.getMessage());
        Files.writeString(f, "tasks: [arc_easy]\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertTrue(e.getMessage().contains("'models'"), e.getMessage());
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [{name: perplexity}]\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertTrue(e.getMessage().contains("perplexity needs a path"), e.getMessage());
        Files.writeString(f, "models: [{path: m.bin}]\ntasks: [arc_easy]\nsettings: {activations: int4}\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertEquals(f + ": settings.activations must be int8 or fp32, got 'int4'", e.getMessage());
        Files.writeString(f, "datasets: hdfs://nn:8020/datasets\nmodels: [{path: hdfs://nn:8020/m.bin}]\ntasks: [arc_easy]\n");
        e = assertThrows(SweepException.class, () -> SweepConfig.read(f));
        assertTrue(e.getMessage().startsWith(f + ": datasets must be a local directory, got 'hdfs://nn:8020/datasets': "), e.getMessage());
    }

    @Test
    void outputIsAHadoopUriAsGivenOrALocalPath() throws IOException {
        Path f = tmp.resolve("out.yaml");
        Files.writeString(f, "output: hdfs://nn:8020/sweeps/x\nmodels: [{path: hdfs://nn:8020/m.bin}]\ntasks: [arc_easy]\n");
        assertEquals("hdfs://nn:8020/sweeps/x", SweepConfig.read(f).output());
        Files.writeString(f, "output: file:///tmp/sweeps/x\nmodels: [{path: m.bin}]\ntasks: [arc_easy]\n");
        assertEquals("/tmp/sweeps/x", SweepConfig.read(f).output());
        Files.writeString(f, "output: out/x\nmodels: [{path: m.bin}]\ntasks: [arc_easy]\n");
        assertEquals("out/x", SweepConfig.read(f).output());
    }

    @Test
    void regressionsFollowEachMetricsDirection() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode before = json.createObjectNode();
        ObjectNode now = json.createObjectNode();
        for (ObjectNode c : List.of(before, now)) {
            c.put("model", "m");
            c.put("task", "t");
            c.putObject("settings").put("ctx", 128);
        }
        ((ObjectNode) before.putObject("metrics")).put("acc", 0.50).put("perplexity", 10.0).put("bits_per_byte", 1.0);
        ((ObjectNode) now.putObject("metrics")).put("acc", 0.56).put("perplexity", 10.2).put("bits_per_byte", 0.9);
        ObjectNode run = json.createObjectNode();
        run.putArray("cells").add(before);
        // acc rose (better), bits_per_byte fell (better), perplexity rose by 0.2 > 0.1 (worse).
        List<Regression> r = RegressionCheck.compare(List.of(now), run, Map.of("acc", 0.01, "perplexity", 0.1, "bits_per_byte", 0.01));
        assertEquals(1, r.size());
        assertEquals("perplexity", r.get(0).metric());
        assertTrue(RegressionCheck.compare(List.of(now), run, Map.of("perplexity", 0.5)).isEmpty(), "within tolerance");
        assertTrue(RegressionCheck.compare(List.of(now), null, Map.of("perplexity", 0.0)).isEmpty(), "no previous run");
    }
}
