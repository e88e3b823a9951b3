package io.sparkllama.udfs;

import java.util.Iterator;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The DataFrame API's {@code mapPartitions} function: each input row with every column kept and the
 * row function's result columns appended, in input order; with generate's samples, each input row
 * once per sample, its {@code sample_index} first among the appended columns ({@link SampleRows}).
 */
public final class AppendResults implements MapPartitionsFunction<Row, Row> {
    private final MapPartitionsFunction<Row, Row> results;
    private final SampleRows.Count samples;

    /** @param results a row function whose {@link InputColumns} refer to the input rows */
    public AppendResults(MapPartitionsFunction<Row, Row> results) {
        this(results, null);
    }

    /**
     * @param results a row function whose {@link InputColumns} refer to the input rows with {@code sample_index} appended
     * @param samples how many samples of each row, or null for one row per input row and no {@code sample_index}
     */
    AppendResults(MapPartitionsFunction<Row, Row> results, SampleRows.Count samples) {
        this.results = results;
        this.samples = samples;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
        Iterator<Row> input = samples == null ? rows : new SampleRows(rows, samples);
        return new InputOrderJoin<>(input, UnaryOperator.identity(), r -> r, results, AppendResults::append);
    }

    private static Row append(Row in, Row result) {
        Object[] values = new Object[in.size() + result.size()];
        for (int c = 0; c < in.size(); c++) {
            values[c] = in.get(c);
        }
        for (int c = 0; c < result.size(); c++) {
            values[in.size() + c] = result.get(c);
        }
        return RowFactory.create(values);
    }
}
