package io.sparkllama.jobs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Partial accumulator values of tasks still running, from the executors' heartbeats: an
 * accumulator's driver value only grows when a task ends, so the progress line adds these to move
 * within long partitions too. A finished task's partial is dropped (its final value is merged).
 */
final class RunningTaskCounts extends SparkListener {
    private final Set<Long> watched;
    private final Map<Long, Map<Long, Long>> byTask = new ConcurrentHashMap<>();

    RunningTaskCounts(LongAccumulator... accumulators) {
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        for (LongAccumulator a : accumulators) {
            ids.add(a.id());
        }
        this.watched = ids;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t : CollectionConverters.asJava(update.accumUpdates())) {
            long task = (Long) t._1();
            for (AccumulableInfo info : CollectionConverters.asJava(t._4())) {
                if (watched.contains(info.id()) && info.update().isDefined() && info.update().get() instanceof Long v) {
                    byTask.computeIfAbsent(task, k -> new ConcurrentHashMap<>()).put(info.id(), v);
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        byTask.remove(end.taskInfo().taskId());
    }

    /** The accumulator's value plus what running tasks have counted so far. */
    long live(LongAccumulator a) {
        long sum = a.value();
        for (Map<Long, Long> partial : byTask.values()) {
            sum += partial.getOrDefault(a.id(), 0L);
        }
        return sum;
    }
}
