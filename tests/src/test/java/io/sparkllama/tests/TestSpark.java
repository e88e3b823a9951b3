package io.sparkllama.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession per test JVM (a cold session costs seconds on two cores). */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("spark-llama-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    // The SQL functions (llama_generate, ...); a no-op for queries without them.
                    .config("spark.sql.extensions", "io.sparkllama.udfs.SparkLlamaExtensions")
                    .getOrCreate();
        }
        return session;
    }

    /** ../shared resolved from the build's property or the working directory. */
    public static Path shared() {
        String prop = System.getProperty("spark.llama.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        return p.toAbsolutePath().normalize();
    }

    public static Path requireShared(String relative) {
        Path p = shared().resolve(relative);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "skipped: " + p + " is not there (see ../shared/README.md)");
        return p;
    }

    /** The repository root (tests run in tests/). */
    public static Path repo() {
        return Path.of("").toAbsolutePath().getParent();
    }
}
