package io.sparkllama.udfs;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's model handles for the SQL functions and the DataFrame API: resolved, hashed, loaded
 * once (so that a bad model fails the query before any task starts) and broadcast once per
 * application and model settings, then reused by every query.
 */
public final class ModelBroadcasts {
    private static final ConcurrentHashMap<String, Broadcast<ModelHandle>> HANDLES = new ConcurrentHashMap<>();

    private ModelBroadcasts() {
    }

    /** @param settings {@code context}, {@code activations}, {@code model_transport} and the KV cache's budget and type are read from here */
    public static Broadcast<ModelHandle> get(SparkContext sc, String model, String tokenizer, LlamaSettings settings) {
        int context = settings.integer("context", 0, 0);
        String activations = settings.string("activations", "int8");
        String transport = settings.string("model_transport", "path");
        if (!activations.equals("int8") && !activations.equals("fp32")) {
            throw new IllegalArgumentException("setting activations must be int8 or fp32, got '" + activations + "'");
        }
        long kvCacheMemory = LlamaTask.kvCacheMemory(settings);
        KvCacheType kvCacheType = LlamaTask.kvCacheType(settings);
        String key = String.join("|", sc.applicationId(), model, String.valueOf(tokenizer), String.valueOf(context), activations, transport,
                String.valueOf(kvCacheMemory), kvCacheType.name());
        return HANDLES.computeIfAbsent(key, k -> {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            ModelHandle handle = ModelResolver.resolve(model, tokenizer, context, ActivationPrecision.ofLabel(activations), transport, jsc)
                    .withMemoryBudgets(kvCacheMemory, 0).withKvCacheType(kvCacheType);
            ExecutorModels.engine(handle); // fail fast; in local mode the tasks reuse this very mapping
            return jsc.broadcast(handle);
        });
    }
}
