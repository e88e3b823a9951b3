package io.sparkllama.tests;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;

/**
 * Local files under the test scheme {@code flaky:///abs/path} whose first open of each file inside a
 * Spark task fails with an IOException, as a storage's transient read error does; opens on the
 * driver (outside tasks) and every later open succeed. Registered with
 * {@code spark.hadoop.fs.flaky.impl=io.sparkllama.tests.FlakyFileSystem}.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "flaky";
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        TaskContext task = TaskContext.get();
        if (task != null && FAILED.add(f.toUri().getPath())) {
            throw new IOException("flaky: transient read error injected on the first read of " + f + " in a task (stage "
                    + task.stageId() + ", partition " + task.partitionId() + ", attempt " + task.attemptNumber() + ")");
        }
        return super.open(f, bufferSize);
    }
}
