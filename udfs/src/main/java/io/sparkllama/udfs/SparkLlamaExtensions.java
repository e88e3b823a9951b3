package io.sparkllama.udfs;

import io.sparkllama.udfs.sql.ExtractLlamaCalls;
import io.sparkllama.udfs.sql.LlamaBatchStrategy;
import io.sparkllama.udfs.sql.LlamaChatCall;
import io.sparkllama.udfs.sql.LlamaGenerateCall;
import io.sparkllama.udfs.sql.LlamaLoglikelihoodCall;
import io.sparkllama.udfs.sql.LlamaScoreCall;
import java.util.function.Function;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.FunctionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * {@code spark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions}: registers
 * {@code llama_generate}, {@code llama_chat}, {@code llama_score} and {@code llama_loglikelihood} for SQL, the
 * DataFrame {@code expr()} form, PySpark and Spark Connect, with the rule and the planner strategy
 * that run them in micro-batches.
 */
public final class SparkLlamaExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        register(extensions, LlamaTask.GENERATE.functionName(), "prompt", LlamaGenerateCall.class, LlamaGenerateCall::new);
        register(extensions, LlamaChatCall.NAME, "messages array<struct<role, content>>", LlamaChatCall.class, LlamaChatCall::new);
        register(extensions, LlamaTask.SCORE.functionName(), "text", LlamaScoreCall.class, LlamaScoreCall::new);
        register(extensions, LlamaTask.LOGLIKELIHOOD.functionName(), "context, continuation", LlamaLoglikelihoodCall.class, LlamaLoglikelihoodCall::new);
        // After the operator optimizations: filters and pruning are below the calls by then.
        extensions.injectPreCBORule(FunctionConverters.asScalaFromFunction(session -> new ExtractLlamaCalls()));
        extensions.injectPlannerStrategy(FunctionConverters.asScalaFromFunction(LlamaBatchStrategy::new));
        return BoxedUnit.UNIT;
    }

    private static void register(SparkSessionExtensions extensions, String name, String arguments, Class<?> type,
                                 Function<Seq<Expression>, Expression> builder) {
        String usage = "_FUNC_(" + arguments + " [, settings]) - a struct"
                + "; settings: a map<string,string> over the session's spark.llama.* defaults";
        ExpressionInfo info = new ExpressionInfo(type.getName(), null, name, usage, "", "", "", "", "", "", "");
        extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(name), info,
                FunctionConverters.asScalaFromFunction(builder)));
    }
}
