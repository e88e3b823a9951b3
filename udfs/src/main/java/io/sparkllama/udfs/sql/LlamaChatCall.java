package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@code llama_chat(messages [, settings])}: {@code messages} an {@code array<struct<role, content>>}
 * rendered by the chat template ({@code template} in the settings or the session, default the
 * model's own); the result is {@code llama_generate}'s ({@link GenerateCallResult}).
 */
public final class LlamaChatCall extends GenerateCall {
    public static final String NAME = "llama_chat";

    public LlamaChatCall(Seq<Expression> arguments) {
        super(checkedCount(LlamaTask.GENERATE, arguments, NAME, "messages"));
    }

    @Override
    public String functionName() {
        return NAME;
    }

    @Override
    protected TypeCheckResult checkFirstArgument() {
        List<Expression> args = arguments();
        DataType t = args.get(0).dataType();
        if (!(t instanceof NullType) && !isMessages(t)) {
            return new TypeCheckResult.TypeCheckFailure(NAME + ": the messages argument, " + args.get(0).sql() + ", is " + t.sql()
                    + "; it must be an array<struct<role: string, content: string>>, e.g. array(named_struct('role', 'user', 'content', prompt))");
        }
        return TypeCheckResult.TypeCheckSuccess$.MODULE$;
    }

    private static boolean isMessages(DataType t) {
        if (!(t instanceof ArrayType a) || !(a.elementType() instanceof StructType s)) {
            return false;
        }
        for (String f : new String[] {"role", "content"}) {
            if (!List.of(s.fieldNames()).contains(f) || !(s.apply(f).dataType() instanceof StringType)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new LlamaChatCall(newChildren);
    }
}
