package io.sparkllama.udfs.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Pulls a partition's rows in micro-batches of at most {@code batchSize}, hands each batch to the
 * engine side at once, and emits one result per row in input order. Rows are pulled only when a
 * result is asked for, so a query that stops early (LIMIT) computes at most one batch too many.
 */
public final class MicroBatches<I, O> implements Iterator<O> {
    private final Iterator<I> input;
    private final int batchSize;
    private final UnaryOperator<I> keep;
    private final Function<List<I>, List<O>> process;
    private Iterator<O> current = List.<O>of().iterator();

    /** @param keep what to hold of a row until its batch runs (a copy, where the input reuses its row objects) */
    public MicroBatches(Iterator<I> input, int batchSize, UnaryOperator<I> keep, Function<List<I>, List<O>> process) {
        this.input = input;
        this.batchSize = Math.max(1, batchSize);
        this.keep = keep;
        this.process = process;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (!input.hasNext()) {
                return false;
            }
            List<I> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && input.hasNext()) {
                batch.add(keep.apply(input.next()));
            }
            List<O> out = process.apply(batch);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " rows gave " + out.size() + " results");
            }
            current = out.iterator();
        }
        return true;
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
