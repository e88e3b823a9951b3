package io.sparkllama.udfs.sql;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.LlamaSettings;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelBroadcasts;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Plans {@link LlamaBatchEval} as {@link LlamaBatchEvalExec}, with the model and settings the
 * session names ({@code spark.llama.model}, {@code spark.llama.tokenizer}, {@code spark.llama.*}
 * defaults), read when the query is planned so that {@code SET} applies to the next query.
 */
public final class LlamaBatchStrategy extends SparkStrategy {
    private final SparkSession session;

    public LlamaBatchStrategy(SparkSession session) {
        this.session = session;
    }

    @Override
    public Seq<SparkPlan> apply(LogicalPlan plan) {
        if (!(plan instanceof LlamaBatchEval eval)) {
            return CollectionConverters.asScala(List.<SparkPlan>of()).toList();
        }
        LlamaTask task = eval.call().task();
        LlamaSettings settings = LlamaSettings.fromSession(CollectionConverters.asJava(session.conf().getAll()));
        String model = settings.string("model", "").trim();
        if (model.isEmpty()) {
            throw new IllegalArgumentException(eval.call().functionName() + ": no model: set spark.llama.model to a model file or directory"
                    + " (SET spark.llama.model=/path/to/model, or --conf spark.llama.model=... with spark-submit), and"
                    + " spark.llama.tokenizer to a tokenizer file where the model has none");
        }
        if (settings.string(LlamaTask.OUTPUT_SCHEMA, null) != null) {
            // The SQL functions' struct type is fixed; parse the completion with from_json instead.
            throw new IllegalArgumentException(eval.call().functionName() + ": spark.llama." + LlamaTask.OUTPUT_SCHEMA + " is for the DataFrame API"
                    + " and the generate job; unset it and parse the completion with from_json(completion, '<ddl>') in SQL");
        }
        try {
            task.check(settings);
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(eval.call().functionName() + ": session " + e.getMessage() + " (spark.llama.* settings)", e);
        }
        Broadcast<ModelHandle> handle = ModelBroadcasts.get(session.sparkContext(), model, settings.string("tokenizer", null), settings);
        SparkPlan exec = new LlamaBatchEvalExec(eval.call(), eval.result(), planLater(eval.child()), handle, settings);
        return CollectionConverters.asScala(List.of(exec)).toList();
    }
}
