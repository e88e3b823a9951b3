package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing shared file skips a test on a developer's machine and fails it in CI, where a skip would pass unchecked. */
class SharedFilesTest {
    @Test
    void aMissingFileFailsInCiAndSkipsElsewhere() {
        String before = System.getProperty("spark.llama.ci");
        try {
            System.setProperty("spark.llama.ci", "true");
            AssertionFailedError ci = assertThrows(AssertionFailedError.class, () -> SharedFiles.require("no/such/file"));
            assertTrue(ci.getMessage().contains("no/such/file is not there, and CI=true"), ci.getMessage());
            if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
                System.setProperty("spark.llama.ci", "false");
                assertThrows(TestAbortedException.class, () -> SharedFiles.require("no/such/file"));
            }
        } finally {
            if (before == null) {
                System.clearProperty("spark.llama.ci");
            } else {
                System.setProperty("spark.llama.ci", before);
            }
        }
    }
}
