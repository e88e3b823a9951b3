package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.udfs.TaskThreads;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Engine threads default to the cores Spark gives each task; a configured count wins. */
class TaskThreadsTest {
    @Test
    void defaultIsTheRunningTasksCores() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        int taskCpus = jsc.getConf().getInt("spark.task.cpus", 1);
        List<Integer> inTasks = jsc.parallelize(List.of(1, 2, 3, 4), 2)
                .mapPartitions(rows -> List.of(TaskThreads.resolve(TaskThreads.TASK_CPUS), TaskThreads.resolve(3)).iterator())
                .collect();
        assertEquals(List.of(taskCpus, 3, taskCpus, 3), inTasks);
        assertEquals(1, TaskThreads.resolve(TaskThreads.TASK_CPUS), "outside a task (the driver): one thread");
        assertEquals(2, TaskThreads.resolve(2));
    }
}
