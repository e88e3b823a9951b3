package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@code llama_score(text [, settings])}: see {@link LlamaTask#SCORE} for the result struct. */
public final class LlamaScoreCall extends LlamaCall {
    public LlamaScoreCall(Seq<Expression> arguments) {
        super(checkedCount(LlamaTask.SCORE, arguments));
    }

    @Override
    public LlamaTask task() {
        return LlamaTask.SCORE;
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new LlamaScoreCall(newChildren);
    }
}
