package io.sparkllama.udfs.sql;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The logical operator that evaluates one {@link LlamaCall} for every row of its child, in
 * micro-batches: its output is the child's columns, then {@code result} (the call's struct). Like
 * Spark's own {@code BatchEvalPython} for Python UDFs; planned by {@link LlamaBatchStrategy}.
 */
public final class LlamaBatchEval extends LogicalPlan implements Serializable {
    private final Expression call;
    private final Attribute result;
    private final LogicalPlan child;

    /** @param call a {@link LlamaCall} (typed as an expression for Spark's reflective copies) */
    public LlamaBatchEval(Expression call, Attribute result, LogicalPlan child) {
        this.call = call;
        this.result = result;
        this.child = child;
    }

    public LlamaCall call() {
        return (LlamaCall) call;
    }

    public Attribute result() {
        return result;
    }

    public LogicalPlan child() {
        return child;
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
    public Seq<LogicalPlan> children() {
        return CollectionConverters.asScala(List.of(child)).toList();
    }

    @Override
    public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
        return new LlamaBatchEval(call, result, newChildren.apply(0));
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> call;
            case 1 -> result;
            case 2 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof LlamaBatchEval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaBatchEval e && e.call.equals(call) && e.result.equals(result) && e.child.equals(child);
    }

    @Override
    public int hashCode() {
        return (call.hashCode() * 31 + result.hashCode()) * 31 + child.hashCode();
    }
}
