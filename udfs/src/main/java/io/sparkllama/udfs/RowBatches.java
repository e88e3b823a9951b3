package io.sparkllama.udfs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * Pulls a partition's rows in micro-batches, hands each batch to the engine side at once, and
 * emits the results in input order. {@code onDone} runs once when the input is exhausted (it frees
 * the engine session before Spark's task ends).
 */
public final class RowBatches implements Iterator<Row> {
    private final Iterator<Row> input;
    private final int batchSize;
    private final Function<List<Row>, List<Row>> process;
    private final Runnable onDone;
    private Iterator<Row> current = List.<Row>of().iterator();
    private boolean done;

    public RowBatches(Iterator<Row> input, int batchSize, Function<List<Row>, List<Row>> process, Runnable onDone) {
        this.input = input;
        this.batchSize = Math.max(1, batchSize);
        this.process = process;
        this.onDone = onDone;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (!input.hasNext()) {
                if (!done) {
                    done = true;
                    onDone.run();
                }
                return false;
            }
            List<Row> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && input.hasNext()) {
                batch.add(input.next());
            }
            List<Row> out = process.apply(batch);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " rows gave " + out.size() + " results");
            }
            current = out.iterator();
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
