package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StringType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A call of one of our SQL functions ({@code llama_generate}, {@code llama_score},
 * {@code llama_loglikelihood}) as the analyzer resolves it. It is never evaluated row by row:
 * {@link ExtractLlamaCalls} moves every call into a {@link LlamaBatchEval} operator, which runs
 * the rows of a partition through the engine in micro-batches. {@link Unevaluable} also keeps
 * Spark from evaluating it on the driver (constant folding, local relations).
 */
public abstract class LlamaCall extends Expression implements Unevaluable, Serializable {
    private final Seq<Expression> arguments;

    protected LlamaCall(Seq<Expression> arguments) {
        this.arguments = arguments;
    }

    /** What this call computes. */
    public abstract LlamaTask task();

    /** The SQL function's name (the task's, but for {@code llama_chat}), also the prefix of its messages. */
    public String functionName() {
        return task().functionName();
    }

    /** The text arguments, then the settings map if given. */
    public List<Expression> arguments() {
        return CollectionConverters.asJava(arguments);
    }

    /** Whether the call has a settings map after its text arguments. */
    public boolean hasSettings() {
        return arguments.size() > task().textArguments().size();
    }

    /** Checks the argument count when the function is looked up (types are checked in {@link #checkInputDataTypes()}). */
    static Seq<Expression> checkedCount(LlamaTask task, Seq<Expression> arguments) {
        return checkedCount(task, arguments, task.functionName(), String.join(", ", task.textArguments()));
    }

    /** The same for a function named {@code name} whose leading arguments are {@code argumentNames}. */
    static Seq<Expression> checkedCount(LlamaTask task, Seq<Expression> arguments, String name, String argumentNames) {
        int n = task.textArguments().size();
        if (arguments.size() != n && arguments.size() != n + 1) {
            throw new IllegalArgumentException(name + " takes (" + argumentNames + " [, settings map<string,string>]), got "
                    + arguments.size() + " argument(s)");
        }
        return arguments;
    }

    @Override
    public TypeCheckResult checkInputDataTypes() {
        TypeCheckResult texts = checkTextArguments();
        return texts.isFailure() ? texts : checkSettings();
    }

    /** Checks that the text arguments are strings. */
    protected TypeCheckResult checkTextArguments() {
        LlamaTask task = task();
        List<Expression> args = arguments();
        for (int i = 0; i < task.textArguments().size(); i++) {
            DataType t = args.get(i).dataType();
            if (!(t instanceof StringType) && !(t instanceof NullType)) {
                return new TypeCheckResult.TypeCheckFailure(task.functionName() + ": the " + task.textArguments().get(i) + " argument, "
                        + describe(args.get(i)) + ", is " + t.sql() + "; it must be a string (use CAST(" + args.get(i).sql() + " AS STRING))");
            }
        }
        return TypeCheckResult.TypeCheckSuccess$.MODULE$;
    }

    /** Checks that the settings argument, if any, is a {@code map<string,string>}. */
    protected TypeCheckResult checkSettings() {
        List<Expression> args = arguments();
        if (hasSettings()) {
            Expression settings = args.get(args.size() - 1);
            DataType t = settings.dataType();
            boolean stringMap = t instanceof MapType m && m.keyType() instanceof StringType && m.valueType() instanceof StringType;
            if (!stringMap && !(t instanceof NullType)) {
                return new TypeCheckResult.TypeCheckFailure(functionName() + ": the settings argument, " + describe(settings) + ", is "
                        + t.sql() + "; it must be a map<string,string>, e.g. map('max_tokens', '32')");
            }
        }
        return TypeCheckResult.TypeCheckSuccess$.MODULE$;
    }

    private static String describe(Expression e) {
        return e instanceof NamedExpression n ? "column " + n.name() : e.sql();
    }

    @Override
    public Seq<Expression> children() {
        return arguments;
    }

    @Override
    public boolean nullable() {
        return false; // a null input gives a struct with an error, never a null struct
    }

    @Override
    public DataType dataType() {
        return task().schema();
    }

    @Override
    public String prettyName() {
        return functionName();
    }

    @Override
    public Object eval(InternalRow input) {
        throw notBatched();
    }

    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
        throw notBatched();
    }

    private UnsupportedOperationException notBatched() {
        return new UnsupportedOperationException(functionName() + " runs on batches of rows and cannot be evaluated here"
                + " (a join condition or another operator with several inputs); compute it in a SELECT list first, e.g. in a subquery");
    }

    @Override
    public int productArity() {
        return 1;
    }

    @Override
    public Object productElement(int n) {
        if (n != 0) {
            throw new IndexOutOfBoundsException(n);
        }
        return arguments;
    }

    @Override
    public boolean canEqual(Object that) {
        return that != null && that.getClass() == getClass();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaCall c && c.getClass() == getClass() && c.arguments.equals(arguments);
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + arguments.hashCode();
    }
}
