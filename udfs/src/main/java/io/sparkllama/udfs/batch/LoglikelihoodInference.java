package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.udfs.SparkValues;
import io.sparkllama.udfs.TaskKvCache;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** log P(continuation | context) per row with lm-evaluation-harness semantics, as the loglikelihood job computes it. */
final class LoglikelihoodInference implements BatchInference {
    private final Loglikelihood ll;

    LoglikelihoodInference(Engine engine, LlamaSettings settings, int threads) {
        this.ll = TaskKvCache.loglikelihood(engine, threads, LlamaTask.kvCacheMemory(settings), LlamaTask.kvCacheType(settings));
    }

    @Override
    public List<Row> run(List<InferenceInput> inputs) {
        List<Row> out = new ArrayList<>(inputs.size());
        for (InferenceInput in : inputs) {
            try {
                if (!in.settings().isEmpty()) {
                    throw new InvalidRequestException("llama_loglikelihood takes no per-row settings, got " + in.settings().keySet());
                }
                LoglikelihoodResult r = ll.compute(in.texts()[0], in.texts()[1]);
                out.add(RowFactory.create(r.sumLogprob(), r.isGreedy(), r.tokenCount(), SparkValues.boxed(r.continuationTokens()),
                        SparkValues.boxed(r.logprobs()), r.contextTokens().length, r.truncatedTokens(), null));
            } catch (InvalidRequestException e) {
                out.add(RowFactory.create(null, null, null, null, null, null, null, e.getMessage()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        ll.close();
    }
}
