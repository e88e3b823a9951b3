package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@code llama_generate(prompt [, settings])}: the result struct is {@link GenerateCallResult}'s (the job's fields, then {@code completions}). */
public final class LlamaGenerateCall extends GenerateCall {
    public LlamaGenerateCall(Seq<Expression> arguments) {
        super(checkedCount(LlamaTask.GENERATE, arguments));
    }

    @Override
    protected org.apache.spark.sql.catalyst.analysis.TypeCheckResult checkFirstArgument() {
        return checkTextArguments();
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new LlamaGenerateCall(newChildren);
    }
}
