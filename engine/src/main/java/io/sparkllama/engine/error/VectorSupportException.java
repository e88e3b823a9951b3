package io.sparkllama.engine.error;

/** This JVM cannot run the engine's vector kernels: the Vector API module is missing or its vectors are too narrow. */
public class VectorSupportException extends SparkLlamaException {
    private VectorSupportException(String message) {
        super(message);
    }

    /** The JVM was started without {@code jdk.incubator.vector}. */
    public static VectorSupportException moduleMissing() {
        return new VectorSupportException("the JVM lacks the Vector API module: start it with --add-modules=jdk.incubator.vector"
                + " (bin/llama and bin/spark-llama add it; for spark-submit set it in spark.driver.extraJavaOptions"
                + " and spark.executor.extraJavaOptions)");
    }

    /** The preferred vector species has fewer than 4 float lanes. */
    public static VectorSupportException tooNarrow(int bits) {
        return new VectorSupportException("the JVM offers " + bits + "-bit float vectors; spark-llama's kernels need at least 128"
                + " bits: remove -XX:MaxVectorSize below 16 or -XX:UseAVX=0 from the JVM options"
                + " (supported widths: 128, 256 and 512 bits)");
    }
}
