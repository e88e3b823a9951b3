package io.sparkllama.udfs.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FunctionConverters;

/**
 * Moves every {@link LlamaCall} out of the operator that uses it into a {@link LlamaBatchEval}
 * just below it, and puts the call's result column in its place (the way Spark extracts Python
 * UDFs into {@code BatchEvalPython}). It runs after the operator optimizations (a pre-CBO rule),
 * so filters and column pruning have already moved below the calls and only the rows and
 * columns a query needs reach the engine; a {@code LIMIT} above a call is also copied below it,
 * so that a micro-batch never pulls rows the limit drops.
 */
public final class ExtractLlamaCalls extends Rule<LogicalPlan> {
    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        return rewrite(plan);
    }

    private static LogicalPlan rewrite(LogicalPlan plan) {
        List<LogicalPlan> children = new ArrayList<>();
        for (LogicalPlan c : CollectionConverters.asJava(plan.children())) {
            children.add(rewrite(c));
        }
        LogicalPlan p = children.isEmpty() ? plan : plan.withNewChildren(seq(children));
        p = extract(p);
        return p instanceof LocalLimit limit ? limitBelowCalls(limit) : p;
    }

    private static LogicalPlan extract(LogicalPlan p) {
        if (p instanceof LlamaBatchEval) {
            return p;
        }
        Seq<Attribute> originalOutput = p.output();
        boolean first = true;
        while (true) {
            List<LlamaCall> calls = new ArrayList<>();
            for (Expression e : CollectionConverters.asJava(p.expressions())) {
                innermostCalls(e, calls);
            }
            if (calls.isEmpty()) {
                break;
            }
            if (p.children().size() != 1) {
                throw new IllegalArgumentException(calls.get(0).functionName() + " cannot be used in " + p.nodeName()
                        + " (an operator with " + p.children().size() + " inputs, e.g. a join condition); compute it in a SELECT list"
                        + " first, e.g. in a subquery");
            }
            LogicalPlan child = p.children().head();
            if (first && p instanceof Filter filter) {
                // Conditions without calls go below the calls: rows they drop never reach the engine.
                List<Expression> plain = new ArrayList<>();
                List<Expression> withCalls = new ArrayList<>();
                conjuncts(filter.condition(), plain, withCalls);
                if (!plain.isEmpty()) {
                    child = new Filter(and(plain), child);
                    p = new Filter(and(withCalls), child);
                }
            }
            Map<Expression, Attribute> results = new LinkedHashMap<>();
            for (LlamaCall call : calls) {
                Expression key = call.canonicalized();
                Reused reused = results.containsKey(key) ? null : findBelow(child, key);
                if (reused != null) {
                    // Spark's filter pushdown copies a call into the filter below; compute it once.
                    results.put(key, reused.result());
                    child = reused.plan();
                } else if (!results.containsKey(key)) {
                    Attribute result = new AttributeReference(call.functionName(), call.dataType(), false, Metadata.empty(),
                            NamedExpression$.MODULE$.newExprId(), CollectionConverters.asScala(List.<String>of()).toList());
                    results.put(key, result);
                    child = new LlamaBatchEval(call, result, child);
                }
            }
            first = false;
            p = p.withNewChildren(seq(List.of(child)))
                    .mapExpressions(FunctionConverters.asScalaFromFunction(e -> replaceCalls(e, results)));
        }
        if (!p.output().equals(originalOutput)) {
            // Operators that pass their input through (Filter, Sort, ...) would now also output the results.
            @SuppressWarnings("unchecked")
            Seq<NamedExpression> columns = (Seq<NamedExpression>) (Seq<?>) originalOutput;
            p = new Project(columns, p);
        }
        return p;
    }

    private record Reused(LogicalPlan plan, Attribute result) {
    }

    /** The same call already computed below, through filters and projections; null if none. */
    private static Reused findBelow(LogicalPlan p, Expression key) {
        if (p instanceof LlamaBatchEval e && e.call().canonicalized().equals(key)) {
            return new Reused(e, e.result());
        }
        if (!(p instanceof LlamaBatchEval || p instanceof Filter || p instanceof Project)) {
            return null;
        }
        Reused below = findBelow(p.children().head(), key);
        if (below == null) {
            return null;
        }
        if (p instanceof Project project) {
            List<NamedExpression> columns = new ArrayList<>(CollectionConverters.asJava(project.projectList()));
            columns.add(below.result());
            return new Reused(new Project(seq(columns), below.plan()), below.result());
        }
        return new Reused(p.withNewChildren(seq(List.of(below.plan()))), below.result());
    }

    private static void conjuncts(Expression e, List<Expression> plain, List<Expression> withCalls) {
        if (e instanceof And and) {
            conjuncts(and.left(), plain, withCalls);
            conjuncts(and.right(), plain, withCalls);
        } else {
            (containsCall(e) ? withCalls : plain).add(e);
        }
    }

    private static Expression and(List<Expression> parts) {
        Expression out = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            out = new And(out, parts.get(i));
        }
        return out;
    }

    /** Calls whose arguments hold no call: these run first (an outer call then reads their results). */
    private static void innermostCalls(Expression e, List<LlamaCall> out) {
        List<Expression> children = CollectionConverters.asJava(e.children());
        if (e instanceof LlamaCall call && children.stream().noneMatch(ExtractLlamaCalls::containsCall)) {
            out.add(call);
            return;
        }
        children.forEach(c -> innermostCalls(c, out));
    }

    private static boolean containsCall(Expression e) {
        return e instanceof LlamaCall || CollectionConverters.asJava(e.children()).stream().anyMatch(ExtractLlamaCalls::containsCall);
    }

    private static Expression replaceCalls(Expression e, Map<Expression, Attribute> results) {
        if (e instanceof LlamaCall) {
            Attribute a = results.get(e.canonicalized());
            if (a != null) {
                return a;
            }
        }
        List<Expression> children = CollectionConverters.asJava(e.children());
        if (children.isEmpty()) {
            return e;
        }
        List<Expression> replaced = new ArrayList<>(children.size());
        children.forEach(c -> replaced.add(replaceCalls(c, results)));
        return e.withNewChildren(seq(replaced));
    }

    // LocalLimit(n, Project/LlamaBatchEval chain over X): the chain maps rows one to one, so the
    // limit also holds for X; putting it there keeps micro-batches from pulling rows it drops.
    private static LogicalPlan limitBelowCalls(LocalLimit limit) {
        List<LogicalPlan> chain = new ArrayList<>();
        LogicalPlan p = limit.child();
        boolean hasCall = false;
        while (p instanceof Project || p instanceof LlamaBatchEval) {
            hasCall |= p instanceof LlamaBatchEval;
            chain.add(p);
            p = p.children().head();
        }
        if (!hasCall || p instanceof LocalLimit) {
            return limit;
        }
        LogicalPlan rebuilt = new LocalLimit(limit.limitExpr(), p);
        for (int i = chain.size() - 1; i >= 0; i--) {
            rebuilt = chain.get(i).withNewChildren(seq(List.of(rebuilt)));
        }
        return limit.withNewChildren(seq(List.of(rebuilt)));
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toList();
    }
}
