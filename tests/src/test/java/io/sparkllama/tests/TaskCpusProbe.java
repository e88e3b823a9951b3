package io.sparkllama.tests;

import io.sparkllama.udfs.TaskThreads;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Run by {@link TaskThreadsTest} in a JVM of its own: a local[2] session whose tasks get two
 * cores each ({@code spark.task.cpus=2}); prints what {@link TaskThreads#resolve} gives inside them.
 */
public final class TaskCpusProbe {
    private TaskCpusProbe() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("task-cpus-probe")
                .config("spark.task.cpus", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        List<Integer> threads = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3), 3)
                .mapPartitions(rows -> List.of(TaskThreads.resolve(TaskThreads.TASK_CPUS)).iterator())
                .collect();
        System.out.println(threads);
        spark.stop();
    }
}
