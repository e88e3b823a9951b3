package io.sparkllama.udfs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * How many tasks this executor runs at once: its cores over {@code spark.task.cpus}. The cores are
 * {@code spark.executor.cores} where set, N of a {@code local[N]} master ({@code local[*]}: this
 * machine's processors), else this JVM's available processors (a standalone executor without
 * {@code spark.executor.cores} takes every core of its worker). 1 outside Spark.
 */
public final class ExecutorTaskSlots {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*\\]");

    private ExecutorTaskSlots() {
    }

    /** The slots of this JVM's Spark executor (or local driver); 1 where no Spark runs here. */
    public static int count() {
        SparkEnv env = SparkEnv.get();
        return env == null ? 1 : count(env.conf());
    }

    /** The slots an executor configured by {@code conf} has. */
    public static int count(SparkConf conf) {
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        return Math.max(1, cores(conf) / taskCpus);
    }

    private static int cores(SparkConf conf) {
        String master = conf.get("spark.master", "");
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            String n = local.group(1);
            return n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
        }
        Matcher cluster = LOCAL_CLUSTER.matcher(master);
        if (cluster.matches()) {
            return Integer.parseInt(cluster.group(1));
        }
        if (conf.contains("spark.executor.cores")) {
            return conf.getInt("spark.executor.cores", 1);
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
