package io.sparkllama.udfs;

import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Ties executor-side state (an engine session: worker threads and KV blocks) to the running Spark
 * task, so that it is closed when the task ends however it ends: input exhausted, failed, cancelled,
 * or stopped early by a LIMIT. Every row function opens its state through here.
 */
public final class TaskScope {
    private TaskScope() {
    }

    /**
     * Returns {@code resource}, to be closed when the running task completes; outside a task (the
     * driver, a unit test) nothing is registered and the caller closes it. Its {@code close} must
     * be safe to call twice: callers may also close it when the input ends, to free it sooner.
     */
    public static <T extends AutoCloseable> T closeAtTaskEnd(T resource) {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> close(resource));
        }
        return resource;
    }

    private static void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + resource.getClass().getSimpleName() + " at the end of a Spark task failed", e);
        }
    }
}
