package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Each input row {@code n} times (its {@code n} column, else the job's), each copy with a
 * {@code sample_index} value 0..n-1 appended: the generate job's {@code n} samples are rows of
 * their own. A row whose {@code n} is out of range comes once, for {@link RowRequests} to give it
 * its error.
 */
final class SampleRows implements Iterator<Row> {
    static final String SAMPLE_INDEX = "sample_index";

    /**
     * How rows are multiplied.
     *
     * @param nColumn  the position of the per-row {@code n} column, or -1
     * @param defaultN samples of a row without its own {@code n}
     */
    record Count(int nColumn, int defaultN) implements Serializable {
    }

    private final Iterator<Row> input;
    private final Count count;
    private Row current;
    private int samples;
    private int next;

    SampleRows(Iterator<Row> input, Count count) {
        this.input = input;
        this.count = count;
    }

    @Override
    public boolean hasNext() {
        return next < samples || input.hasNext();
    }

    @Override
    public Row next() {
        if (next == samples) {
            if (!input.hasNext()) {
                throw new NoSuchElementException();
            }
            current = input.next();
            long n;
            try {
                n = InputColumns.number(current, count.nColumn(), count.defaultN()).longValue();
            } catch (InvalidRequestException e) {
                n = 1; // the row's one output row carries the error (RowRequests reads n again)
            }
            samples = n >= 1 && n <= GenerateOptions.MAX_N ? (int) n : 1;
            next = 0;
        }
        Object[] values = new Object[current.length() + 1];
        for (int i = 0; i < current.length(); i++) {
            values[i] = current.get(i);
        }
        values[current.length()] = next++;
        return RowFactory.create(values);
    }
}
