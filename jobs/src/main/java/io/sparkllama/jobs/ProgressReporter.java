package io.sparkllama.jobs;

import io.sparkllama.udfs.JobProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A driver-side progress line while a job runs: a daemon thread reads the accumulators every few
 * seconds and prints rows done, tokens/s and an ETA to stderr. Finished tasks count through the
 * accumulators, running ones through their heartbeats ({@link RunningTaskCounts}).
 */
final class ProgressReporter implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    private final Runnable detach;

    ProgressReporter(String job, JobProgress progress, long totalRows, long intervalMillis, PrintStream err,
                     org.apache.spark.SparkContext sc) {
        long t0 = System.nanoTime();
        RunningTaskCounts live = new RunningTaskCounts(progress.rows(), progress.inputTokens(), progress.outputTokens());
        sc.addSparkListener(live);
        this.detach = () -> sc.removeSparkListener(live);
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    err.println(line(job, live.live(progress.rows()), live.live(progress.inputTokens()), live.live(progress.outputTokens()),
                            totalRows, (System.nanoTime() - t0) / 1e9));
                }
            }
        }, "spark-llama-progress");
        thread.setDaemon(true);
        thread.start();
    }

    static String line(String job, long rows, long in, long out, long totalRows, double seconds) {
        String eta = rows == 0 || totalRows <= 0 ? "?" : String.format(Locale.ROOT, "%.0f s", seconds * (totalRows - rows) / rows);
        return String.format(Locale.ROOT, "[spark-llama] %s: %d/%s rows, %d input + %d output tokens, %.1f tok/s, %.0f s elapsed, ETA %s",
                job, rows, totalRows <= 0 ? "?" : Long.toString(totalRows), in, out, (in + out) / Math.max(seconds, 1e-9), seconds, eta);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        detach.run();
    }
}
