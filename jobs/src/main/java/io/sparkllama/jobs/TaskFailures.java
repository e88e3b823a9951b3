package io.sparkllama.jobs;

import io.sparkllama.engine.error.SparkLlamaException;

/**
 * Turns a Spark job failure whose root is one of our own errors (a model checksum mismatch or an
 * unreadable model on an executor, say) back into that error, so the driver reports one clear
 * message instead of Spark's task-failure dump.
 */
public final class TaskFailures {
    private TaskFailures() {
    }

    public static void run(Runnable action) {
        try {
            action.run();
        } catch (Exception e) { // Scala code throws SparkException (checked) without declaring it
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SparkLlamaException ours) {
                    throw ours;
                }
            }
            throw TaskFailures.<RuntimeException>unchecked(e);
        }
    }

    // Rethrows the original exception as it is, checked or not.
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E unchecked(Exception e) throws E {
        throw (E) e;
    }
}
