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

    /** A path under ../shared: a test without it is skipped, or fails in CI ({@code CI=true}), where a skip would pass unchecked. */
    public static Path requireShared(String relative) {
        return require(shared().resolve(relative), "see ../shared/README.md");
    }

    /** A file the build makes (the shaded job jar): skipped without it, failing in CI. */
    public static Path requireBuilt(Path file) {
        return require(file, "built by `mvn package`");
    }

    /** {@code p}, or a skip saying it is missing and where it comes from ({@code where}); a failure in CI. */
    static Path require(Path p, String where) {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("spark.llama.ci");
        org.junit.jupiter.api.Assertions.assertTrue(!ci || Files.exists(p), p + " is not there (" + where + "), and CI=true: CI must run this test");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "skipped: " + p + " is not there (" + where + ")");
        return p;
    }

    /** The repository root (tests run in tests/). */
    public static Path repo() {
        return Path.of("").toAbsolutePath().getParent();
    }
}
