package io.sparkllama.udfs;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Pairs each input row with its result from a row function ({@link GenerateRows}, {@link ScoreRows},
 * {@link LoglikelihoodRows}), which emits exactly one result per row in input order: the rows the
 * function has pulled and not yet answered wait in a queue (as many as its batch or reorder window).
 */
public final class InputOrderJoin<I, O> implements Iterator<O> {
    private final ArrayDeque<I> pending = new ArrayDeque<>();
    private final Iterator<Row> results;
    private final BiFunction<I, Row, O> join;

    /**
     * @param keep    what to hold of an input row until its result comes (a copy, where the input reuses its row objects)
     * @param request the row the function reads (its {@link InputColumns} positions refer to it)
     * @param join    the output row: the input row with its result
     */
    public InputOrderJoin(Iterator<I> input, UnaryOperator<I> keep, Function<I, Row> request, MapPartitionsFunction<Row, Row> function,
                          BiFunction<I, Row, O> join) throws Exception {
        this.join = join;
        this.results = function.call(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                I kept = keep.apply(input.next());
                pending.add(kept);
                return request.apply(kept);
            }
        });
    }

    @Override
    public boolean hasNext() {
        return results.hasNext();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row result = results.next();
        I in = pending.poll();
        if (in == null) {
            throw new IllegalStateException("a row function emitted more results than it read rows");
        }
        return join.apply(in, result);
    }
}
