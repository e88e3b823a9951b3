package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@code llama_loglikelihood(context, continuation [, settings])}: see {@link LlamaTask#LOGLIKELIHOOD} for the result struct. */
public final class LlamaLoglikelihoodCall extends LlamaCall {
    public LlamaLoglikelihoodCall(Seq<Expression> arguments) {
        super(checkedCount(LlamaTask.LOGLIKELIHOOD, arguments));
    }

    @Override
    public LlamaTask task() {
        return LlamaTask.LOGLIKELIHOOD;
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new LlamaLoglikelihoodCall(newChildren);
    }
}
