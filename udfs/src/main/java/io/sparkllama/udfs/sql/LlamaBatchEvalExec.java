package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.LlamaSettings;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** The physical {@link LlamaBatchEval}: a {@code mapPartitions} over the child's rows (see {@link LlamaPartitionFunction}). */
public final class LlamaBatchEvalExec extends SparkPlan {
    private final Expression call;
    private final Attribute result;
    private final SparkPlan child;
    private final Broadcast<ModelHandle> model;
    private final LlamaSettings settings;

    public LlamaBatchEvalExec(Expression call, Attribute result, SparkPlan child, Broadcast<ModelHandle> model, LlamaSettings settings) {
        this.call = call;
        this.result = result;
        this.child = child;
        this.model = model;
        this.settings = settings;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        Seq<Attribute> output = output();
        LlamaCall c = (LlamaCall) call;
        org.apache.spark.sql.types.DataType[] types = LlamaPartitionFunction.outputTypes(output);
        org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<InternalRow>, InternalRow> f = c.task() == io.sparkllama.udfs.LlamaTask.GENERATE
                ? new GeneratePartitionFunction(c, child.output(), types, model, settings)
                : new LlamaPartitionFunction(c, child.output(), types, model, settings);
        return child.execute().toJavaRDD().mapPartitions(f).rdd();
    }

    @Override
    public Seq<Attribute> output() {
        java.util.List<Attribute> columns = new java.util.ArrayList<>(CollectionConverters.asJava(child.output()));
        columns.add(result);
        return CollectionConverters.asScala(columns).toList();
    }

    @Override
    public AttributeSet producedAttributes() {
        return AttributeSet$.MODULE$.apply(result);
    }

    @Override
    public Seq<SparkPlan> children() {
        return CollectionConverters.asScala(List.of(child)).toList();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new LlamaBatchEvalExec(call, result, newChildren.apply(0), model, settings);
    }

    @Override
    public int productArity() {
        return 5;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> call;
            case 1 -> result;
            case 2 -> child;
            case 3 -> model;
            case 4 -> settings;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof LlamaBatchEvalExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaBatchEvalExec e && e.call.equals(call) && e.result.equals(result) && e.child.equals(child)
                && e.model.id() == model.id() && e.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return (call.hashCode() * 31 + result.hashCode()) * 31 + child.hashCode();
    }
}
