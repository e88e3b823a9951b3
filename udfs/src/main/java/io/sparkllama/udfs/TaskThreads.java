package io.sparkllama.udfs;

import org.apache.spark.TaskContext;

/**
 * Engine threads for one Spark task: as configured, or by default (0) the cores Spark gives the
 * task ({@code spark.task.cpus}, or the stage's resource profile), read from the running task so
 * that the engine never uses more cores than the scheduler reserved for it.
 */
public final class TaskThreads {
    /** The setting's value for "as many as the task's cores". */
    public static final int TASK_CPUS = 0;

    private TaskThreads() {
    }

    /** {@code configured} when positive; else the running task's cores (1 outside a task). */
    public static int resolve(int configured) {
        if (configured > 0) {
            return configured;
        }
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }
}
