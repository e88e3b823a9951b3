package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages depend on each other one way only. The unit is the root package alone and
 * each direct subpackage with its own subpackages ({@code tensor} with {@code tensor.kernel}, ...),
 * so a component may have cycles inside it (today {@code tensor} and {@code format} do) but two
 * components never depend on each other, and the root package (the API's entry points) sits above
 * everything it uses.
 */
class PackageCycleTest {

    @Test
    void enginePackagesFormNoCycle() {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        List<Path> files = EngineReferences.javaFiles(Path.of("src", "main", "java", "io", "sparkllama", "engine"));
        assertTrue(files.size() > 100, "read " + files.size() + " engine sources");
        for (Path f : files) {
            EngineReferences.Source s = EngineReferences.read(f);
            String from = unit(s.pkg());
            for (Map.Entry<String, String> r : s.references().entrySet()) {
                String to = unit(r.getKey());
                if (!to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, f.getFileName() + " refers to " + r.getValue());
                }
            }
        }
        assertTrue(edges.getOrDefault(EngineReferences.ROOT, Map.of()).containsKey(EngineReferences.ROOT + ".model"),
                "the root package's use of model is seen: " + edges.get(EngineReferences.ROOT));
        List<String> found = new ArrayList<>();
        for (TreeSet<String> cycle : cycles(edges)) {
            StringBuilder b = new StringBuilder("packages in a cycle " + cycle + ":");
            for (String from : cycle) {
                for (Map.Entry<String, String> e : edges.get(from).entrySet()) {
                    if (cycle.contains(e.getKey())) {
                        b.append("\n  ").append(from).append(" -> ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
                    }
                }
            }
            found.add(b.toString());
        }
        assertEquals(List.of(), found, "move a type so that one side no longer needs the other (see docs/engine-api.md)");
    }

    @Test
    void aCycleIsFound() {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        edges.put("a", Map.of("b", "x"));
        edges.put("b", Map.of("c", "x"));
        edges.put("c", Map.of("a", "x", "d", "x"));
        assertEquals(List.of(new TreeSet<>(List.of("a", "b", "c"))), cycles(edges));
        edges.put("c", Map.of("d", "x"));
        assertEquals(List.of(), cycles(edges));
    }

    /** The root package itself, or the engine's direct subpackage that {@code pkg} is or lies in. */
    static String unit(String pkg) {
        if (!pkg.startsWith(EngineReferences.ROOT + ".")) {
            return pkg;
        }
        String rest = pkg.substring(EngineReferences.ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return EngineReferences.ROOT + "." + (dot < 0 ? rest : rest.substring(0, dot));
    }

    /** Sets of two or more nodes that all reach each other (strongly connected), each once. */
    static List<TreeSet<String>> cycles(Map<String, Map<String, String>> edges) {
        List<TreeSet<String>> out = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (String a : edges.keySet()) {
            if (seen.contains(a)) {
                continue;
            }
            TreeSet<String> component = new TreeSet<>();
            for (String b : reach(edges, a)) {
                if (reach(edges, b).contains(a)) {
                    component.add(b);
                }
            }
            if (component.size() > 1) {
                out.add(component);
                seen.addAll(component);
            }
        }
        return out;
    }

    private static TreeSet<String> reach(Map<String, Map<String, String>> edges, String from) {
        TreeSet<String> reached = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String n = todo.remove(todo.size() - 1);
            for (String m : edges.getOrDefault(n, Map.of()).keySet()) {
                if (reached.add(m)) {
                    todo.add(m);
                }
            }
        }
        return reached;
    }
}
