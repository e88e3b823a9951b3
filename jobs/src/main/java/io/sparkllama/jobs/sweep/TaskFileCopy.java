package io.sparkllama.jobs.sweep;

import io.sparkllama.udfs.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sweep's task file (or perplexity text) on the driver's disk: a local path as it is, a Hadoop URI
 * ({@code hdfs://}, {@code s3a://}) copied once per driver JVM into a temporary directory, since
 * the task readers read local files and the driver reads every task file whole anyway.
 */
final class TaskFileCopy {
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private TaskFileCopy() {
    }

    static Path local(String pathOrUri) {
        ModelLocation where = ModelLocation.of(pathOrUri);
        return where.isLocal() ? where.localPath() : COPIES.computeIfAbsent(where.source(), k -> copy(where));
    }

    private static Path copy(ModelLocation where) {
        try {
            Path dir = Files.createTempDirectory("spark-llama-task-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(where.name());
            try (InputStream in = where.open()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sweep's task file " + where + " to the driver", e);
        }
    }
}
