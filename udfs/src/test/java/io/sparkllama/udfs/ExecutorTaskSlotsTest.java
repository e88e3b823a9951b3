package io.sparkllama.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.engine.settings.KvCacheMemory;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** kv_cache_memory divides among an executor's task slots: cores (from the master or spark.executor.cores) over spark.task.cpus. */
class ExecutorTaskSlotsTest {
    private static int slots(String master, String... pairs) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < pairs.length; i += 2) {
            conf.set(pairs[i], pairs[i + 1]);
        }
        return ExecutorTaskSlots.count(conf);
    }

    @Test
    void slotsFollowTheMasterAndTheCoreSettings() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(1, slots("local"));
        assertEquals(2, slots("local[2]"));
        assertEquals(4, slots("local[4, 3]"), "local[N,F]: N threads, F retries");
        assertEquals(cpus, slots("local[*]"));
        assertEquals(2, slots("local[4]", "spark.task.cpus", "2"));
        assertEquals(3, slots("local-cluster[2, 3, 1024]"), "cores per worker");
        assertEquals(2, slots("spark://127.0.0.1:7077", "spark.executor.cores", "4", "spark.task.cpus", "2"));
        assertEquals(cpus, slots("spark://127.0.0.1:7077"), "a standalone executor without spark.executor.cores takes its worker's cores");
        assertEquals(1, slots("spark://127.0.0.1:7077", "spark.executor.cores", "1", "spark.task.cpus", "2"), "never below one slot");
    }

    @Test
    void outsideSparkOneSessionHasTheWholeBudget() {
        // No SparkEnv in this JVM's unit tests: the CLI's case.
        assertEquals(1, ExecutorTaskSlots.count());
        assertEquals(512L << 20, TaskKvCache.share(512L << 20));
        assertEquals(KvCacheMemory.defaultBytes(), TaskKvCache.share(0));
    }
}
