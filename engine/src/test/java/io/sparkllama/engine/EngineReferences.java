package io.sparkllama.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine packages a Java source file refers to, read from its text: imports (single, static,
 * wildcard) and fully qualified names in code, comments left out. A reference by simple name to a
 * type a method returns (e.g. {@code engine.config().dim()}) has no package in the text and is not seen.
 */
final class EngineReferences {
    static final String ROOT = "io.sparkllama.engine";
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.sparkllama\\.engine((?:\\.[a-z]\\w*)*)\\.(?:[A-Z]\\w*|\\*)");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

    private EngineReferences() {
    }

    /** One source file: its package and, for each engine package it refers to, the first reference. */
    record Source(Path file, String pkg, TreeMap<String, String> references) {
    }

    static Source read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String code = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        Matcher p = PACKAGE.matcher(code);
        String pkg = p.find() ? p.group(1) : "";
        TreeMap<String, String> refs = new TreeMap<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            String target = ROOT + m.group(1);
            if (!target.equals(pkg)) {
                refs.putIfAbsent(target, m.group());
            }
        }
        return new Source(file, pkg, refs);
    }

    /** Every {@code .java} file under {@code dir}, sorted; an {@link AssertionError} when {@code dir} is missing. */
    static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new AssertionError(dir.toAbsolutePath().normalize() + " is not there: run the test from the engine module of a full checkout");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(new TreeSet<>(s.filter(f -> f.toString().endsWith(".java")).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
