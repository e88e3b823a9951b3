package io.sparkllama.udfs;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Each input row {@code n} times (its {@code n} column, else the job's), each copy with a
 * {@code sample_index} field 0..n-1: the generate job's {@code n} samples are rows of their own.
 * A row whose {@code n} is out of range comes once, for {@link RowRequests} to give it its error.
 */
final class SampleRows implements Iterator<Row> {
    static final String SAMPLE_INDEX = "sample_index";

    private final Iterator<Row> input;
    private final int defaultN;
    private Row current;
    private StructType schema;
    private int count;
    private int next;

    SampleRows(Iterator<Row> input, int defaultN) {
        this.input = input;
        this.defaultN = defaultN;
    }

    @Override
    public boolean hasNext() {
        return next < count || input.hasNext();
    }

    @Override
    public Row next() {
        if (next == count) {
            if (!input.hasNext()) {
                throw new NoSuchElementException();
            }
            current = input.next();
            long n = RowRequests.longOr(current, "n", defaultN);
            count = n >= 1 && n <= GenerateOptions.MAX_N ? (int) n : 1;
            next = 0;
            if (schema == null) { // a partition's rows share one schema
                schema = current.schema().add(SAMPLE_INDEX, DataTypes.IntegerType);
            }
        }
        Object[] values = new Object[current.length() + 1];
        for (int i = 0; i < current.length(); i++) {
            values[i] = current.get(i);
        }
        values[current.length()] = next++;
        return new GenericRowWithSchema(values, schema);
    }
}
