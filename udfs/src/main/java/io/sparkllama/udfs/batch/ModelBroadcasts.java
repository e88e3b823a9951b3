package io.sparkllama.udfs.batch;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
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

    /** @param settings {@code context}, {@code activations} and {@code model_transport} are read from here */
    public static Broadcast<ModelHandle> get(SparkContext sc, String model, String tokenizer, LlamaSettings settings) {
        int context = settings.integer("context", 0, 0);
        String activations = settings.string("activations", "int8");
        String transport = settings.string("model_transport", "path");
        if (!activations.equals("int8") && !activations.equals("fp32")) {
            throw new IllegalArgumentException("setting activations must be int8 or fp32, got '" + activations + "'");
        }
        String key = String.join("|", sc.applicationId(), model, String.valueOf(tokenizer), String.valueOf(context), activations, transport);
        return HANDLES.computeIfAbsent(key, k -> {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            ModelHandle handle = ModelResolver.resolve(model, tokenizer, context, ActivationPrecision.ofLabel(activations), transport, jsc);
            ExecutorModels.engine(handle); // fail fast; in local mode the tasks reuse this very mapping
            return jsc.broadcast(handle);
        });
    }
}
