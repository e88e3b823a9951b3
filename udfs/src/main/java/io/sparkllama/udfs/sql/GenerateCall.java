package io.sparkllama.udfs.sql;

import io.sparkllama.engine.error.InvalidSchemaException;
import io.sparkllama.udfs.LlamaTask;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;

/** What {@code llama_generate} and {@code llama_chat} share: the generate task and the {@link GenerateCallResult} struct. */
public abstract class GenerateCall extends LlamaCall {
    private transient GenerateCallResult result;

    protected GenerateCall(Seq<Expression> arguments) {
        super(arguments);
    }

    @Override
    public final LlamaTask task() {
        return LlamaTask.GENERATE;
    }

    /** The result struct, with {@code parsed} where the literal settings name an {@code output_schema}. */
    GenerateCallResult result() {
        GenerateCallResult r = result;
        if (r == null && !childrenResolved()) {
            return new GenerateCallResult(null); // not kept: resolving the arguments makes a new call
        }
        if (r == null) {
            r = new GenerateCallResult(ParsedSetting.of(this));
            result = r;
        }
        return r;
    }

    /** Checks the leading argument; then the settings map, and the output_schema of a literal one. */
    protected abstract TypeCheckResult checkFirstArgument();

    @Override
    public final TypeCheckResult checkInputDataTypes() {
        TypeCheckResult first = checkFirstArgument();
        if (first.isFailure()) {
            return first;
        }
        TypeCheckResult settings = checkSettings();
        if (settings.isFailure()) {
            return settings;
        }
        try {
            ParsedSetting.of(this);
        } catch (InvalidSchemaException e) {
            return new TypeCheckResult.TypeCheckFailure(functionName() + ": " + e.getMessage());
        }
        return settings;
    }

    @Override
    public DataType dataType() {
        return result().type();
    }
}
