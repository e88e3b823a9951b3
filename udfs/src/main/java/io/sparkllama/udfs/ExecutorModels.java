package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM: each is mapped once and shared by every task thread of the
 * executor (the mapping is page cache, not heap). Kept until the JVM exits.
 */
public final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final ConcurrentHashMap<ModelHandle, Engine> ENGINES = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    public static Engine engine(ModelHandle handle) {
        return ENGINES.computeIfAbsent(handle, ExecutorModels::load);
    }

    /** How many models this JVM has loaded: one per distinct handle, whatever the task count. */
    public static int loadCount() {
        return LOADS.get();
    }

    private static Engine load(ModelHandle h) {
        long t0 = System.nanoTime();
        Engine e = Engine.open(localPath(h.model()), h.tokenizer() == null ? null : localPath(h.tokenizer()), h.maxContext());
        LOADS.incrementAndGet();
        LOG.info("spark-llama: loaded model {} ({}) in {} ms", h.id(), e.description(), (System.nanoTime() - t0) / 1_000_000);
        return e;
    }

    static Path localPath(String pathOrUri) {
        if (pathOrUri.startsWith("file:")) {
            return Path.of(URI.create(pathOrUri));
        }
        return Path.of(pathOrUri);
    }
}
