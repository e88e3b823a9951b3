package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.LlamaCppPerplexity;
import io.sparkllama.engine.RollingPerplexity;
import io.sparkllama.engine.score.PerplexityResult;
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
 * Perplexity of whole documents on the executor's model: rows {@code (doc, text)} in, one row
 * per window out ({@link #SCHEMA}), so the driver can sum windows into document and corpus figures.
 */
public final class PerplexityRows implements MapPartitionsFunction<Row, Row> {
    public static final StructType INPUT = new StructType()
            .add("doc", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, false);
    public static final StructType SCHEMA = new StructType()
            .add("doc", DataTypes.IntegerType, false)
            .add("window", DataTypes.IntegerType, false)
            .add("nll_sum", DataTypes.DoubleType, false)
            .add("n_tokens", DataTypes.IntegerType, false)
            .add("n_scored", DataTypes.LongType, false)
            .add("nll_sq_sum", DataTypes.DoubleType, false)
            .add("tokens_run", DataTypes.LongType, false)
            .add("nanos", DataTypes.LongType, false);

    private final Broadcast<ModelHandle> model;
    private final String mode;
    private final int ctx;
    private final int threads;

    public PerplexityRows(Broadcast<ModelHandle> model, String mode, int ctx, int threads) {
        this.model = model;
        this.mode = mode;
        this.ctx = ctx;
        this.threads = threads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        List<Row> out = new ArrayList<>();
        try (InferenceSession session = TaskScope.closeAtTaskEnd(TaskKvCache.open(engine, TaskThreads.resolve(threads), model.value()))) {
            while (rows.hasNext()) {
                Row in = rows.next();
                String text = in.getString(1);
                int bos = engine.tokenizer().bosId();
                PerplexityResult r = mode.equals("llamacpp")
                        ? LlamaCppPerplexity.run(session, engine.tokenizer().encode(text, true), ctx, bos)
                        : RollingPerplexity.run(session, engine.tokenizer().encode(text, false), ctx, bos);
                // Totals ride on window 0; the other windows carry their own NLL only.
                for (int w = 0; w < r.windows(); w++) {
                    boolean first = w == 0;
                    out.add(RowFactory.create(in.getInt(0), w, r.windowNll()[w], first ? r.nTokens() : 0, first ? r.nScored() : 0L,
                            first ? r.sumNllSq() : 0.0, first ? r.tokensRun() : 0L, first ? r.nanos() : 0L));
                }
            }
        }
        return out.iterator();
    }
}
