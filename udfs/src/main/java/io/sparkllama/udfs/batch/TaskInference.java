package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.TaskScope;
import io.sparkllama.udfs.TaskThreads;
import org.apache.spark.broadcast.Broadcast;

/** Opens a task's inference on the executor's shared model ({@link ExecutorModels}) and closes it when the task ends. */
public final class TaskInference {
    private TaskInference() {
    }

    public static BatchInference open(LlamaTask task, Broadcast<ModelHandle> model, LlamaSettings settings) {
        Engine engine = ExecutorModels.engine(model.value());
        // Closed also when the task stops early (LIMIT, failure): the iterator is then never exhausted.
        return TaskScope.closeAtTaskEnd(task.open(engine, settings, TaskThreads.resolve(settings.integer("threads", TaskThreads.TASK_CPUS, 0))));
    }
}
