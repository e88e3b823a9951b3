package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.LoglikelihoodResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A sweep cell's loglikelihood requests through the executor's model: rows {@code (sample, choice, context,
 * continuation)} in, {@link #SCHEMA} out, one per request; a request that cannot be served gets
 * an {@code error} and the partition goes on.
 */
public final class ChoiceLoglikelihoodRows implements MapPartitionsFunction<Row, Row> {
    public static final StructType INPUT = new StructType()
            .add("sample", DataTypes.IntegerType, false)
            .add("choice", DataTypes.IntegerType, false)
            .add("context", DataTypes.StringType, false)
            .add("continuation", DataTypes.StringType, false);
    public static final StructType SCHEMA = new StructType()
            .add("sample", DataTypes.IntegerType, false)
            .add("choice", DataTypes.IntegerType, false)
            .add("logprob", DataTypes.DoubleType, true)
            .add("is_greedy", DataTypes.BooleanType, true)
            .add("n_tokens", DataTypes.IntegerType, true)
            .add("n_context", DataTypes.IntegerType, true)
            .add("error", DataTypes.StringType, true);

    private final Broadcast<ModelHandle> model;
    private final int threads;

    public ChoiceLoglikelihoodRows(Broadcast<ModelHandle> model, int threads) {
        this.model = model;
        this.threads = threads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        List<Row> out = new ArrayList<>();
        try (InferenceSession session = TaskScope.closeAtTaskEnd(TaskKvCache.open(engine, TaskThreads.resolve(threads), model.value()))) {
            while (rows.hasNext()) {
                Row in = rows.next();
                int sample = in.getInt(0);
                int choice = in.getInt(1);
                try {
                    LoglikelihoodResult r = session.loglikelihood(in.getString(2), in.getString(3));
                    out.add(RowFactory.create(sample, choice, r.sumLogprob(), r.isGreedy(), r.tokenCount(), r.contextTokens().length, null));
                } catch (InvalidRequestException e) {
                    out.add(RowFactory.create(sample, choice, null, null, null, null, e.getMessage()));
                }
            }
        }
        return out.iterator();
    }
}
