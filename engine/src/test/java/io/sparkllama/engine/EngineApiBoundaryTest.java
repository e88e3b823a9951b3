package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The modules built on the engine ({@code udfs}, {@code jobs}, {@code datasets}, {@code bench},
 * {@code tests}, main and test sources) refer only to the engine's API packages. Spark runs the
 * engine on the classpath, where a {@code module-info.java} would not be enforced, so this test is
 * the boundary; docs/engine-api.md says what each API package holds.
 */
class EngineApiBoundaryTest {
    /** The API: entry points (root), generation and scoring requests and results, settings, tokenizer, exceptions. */
    static final Set<String> API = Set.of(
            "io.sparkllama.engine",
            "io.sparkllama.engine.generate",
            "io.sparkllama.engine.score",
            "io.sparkllama.engine.settings",
            "io.sparkllama.engine.tokenizer",
            "io.sparkllama.engine.error");

    /** Benchmarks of the internals themselves (kernels, weight types, the vector width): what they measure is hidden by design. */
    private static final List<String> MEASURE_INTERNALS = List.of(
            "bench/src/main/java/io/sparkllama/bench/kernels/",
            "bench/src/main/java/io/sparkllama/bench/KvAttentionBench.java",
            "bench/src/main/java/io/sparkllama/bench/ConstrainedDecodingBench.java",
            "bench/src/main/java/io/sparkllama/bench/GgufWeightType.java",
            "bench/src/main/java/io/sparkllama/bench/MachineInfo.java",
            "bench/src/main/java/io/sparkllama/bench/ModelCost.java");

    private static final List<String> CALLERS = List.of("udfs", "jobs", "datasets", "bench", "tests");

    @Test
    void callersUseOnlyTheApi() {
        Path repo = Path.of("..");
        List<String> outside = new ArrayList<>();
        int files = 0;
        int apiReferences = 0;
        for (String module : CALLERS) {
            for (String tree : List.of("main", "test")) {
                Path dir = repo.resolve(module).resolve("src").resolve(tree).resolve("java");
                if (!dir.toFile().isDirectory() && repo.resolve(module).resolve("pom.xml").toFile().isFile()) {
                    continue; // a module without main (tests) or test sources; a missing module fails below
                }
                for (Path f : EngineReferences.javaFiles(dir)) {
                    files++;
                    String name = repo.relativize(f).toString().replace('\\', '/');
                    for (Map.Entry<String, String> r : EngineReferences.read(f).references().entrySet()) {
                        if (API.contains(r.getKey())) {
                            apiReferences++;
                        } else if (MEASURE_INTERNALS.stream().noneMatch(name::startsWith)) {
                            outside.add(name + ": " + r.getValue());
                        }
                    }
                }
            }
        }
        assertTrue(files > 200 && apiReferences > 50, "read " + files + " sources, " + apiReferences + " API references");
        assertEquals(List.of(), outside, "only " + new TreeSet<>(API) + " are the engine's API: give the caller an entry point there (docs/engine-api.md)");
    }

    @Test
    void anInternalReferenceIsSeen() {
        Path f = Path.of("src", "main", "java", "io", "sparkllama", "engine", "Engine.java");
        Map<String, String> refs = EngineReferences.read(f).references();
        assertTrue(refs.containsKey("io.sparkllama.engine.model") && !API.contains("io.sparkllama.engine.model"), refs.toString());
        assertTrue(refs.containsKey("io.sparkllama.engine.settings"), refs.toString());
    }
}
