package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.udfs.TaskThreads;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** With {@code spark.task.cpus=2} (a JVM of its own: this one's session has 1), each task gets two threads. */
    @Test
    void tasksGivenTwoCoresGetTwoThreads() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TaskCpusProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the probe JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("[2, 2, 2]", out.substring(out.lastIndexOf('\n') + 1));
    }
}
