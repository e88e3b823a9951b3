package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@code llama_generate(prompt [, settings])}: see {@link LlamaTask#GENERATE} for the result struct. */
public final class LlamaGenerateCall extends LlamaCall {
    public LlamaGenerateCall(Seq<Expression> arguments) {
        super(checkedCount(LlamaTask.GENERATE, arguments));
    }

    @Override
    public LlamaTask task() {
        return LlamaTask.GENERATE;
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new LlamaGenerateCall(newChildren);
    }
}
