package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;

import io.sparkllama.datasets.InputTableException;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An input's rows and its repeated ids, counted in one Spark job. Output rows are matched to input
 * rows by id, so an id held by several rows (a CSV read with the wrong quoting splits and merges
 * rows; a table appended twice) fails the job or is warned about, per {@code duplicate_ids}.
 *
 * @param rows        every row
 * @param duplicateRows rows whose non-null id another row holds too (beyond the first of each id)
 */
record InputCounts(long rows, long duplicateRows, Dataset<Row> input) {
    static InputCounts of(Dataset<Row> input) {
        Row r = input.agg(count(lit(1)), count(col("id")), count_distinct(col("id"))).first();
        return new InputCounts(r.getLong(0), r.getLong(1) - r.getLong(2), input);
    }

    /** Fails with {@code duplicate_ids=fail} (naming one repeated id), prints a warning with {@code warn}. */
    void checkIds(String table, String duplicateIds, PrintStream out) {
        if (duplicateRows == 0) {
            return;
        }
        Row example = input.groupBy(col("id")).count().filter(col("count").gt(1)).first();
        String what = String.format(Locale.ROOT, "%d rows of %d repeat an id another row holds (e.g. id %s, %d rows)", duplicateRows,
                rows, example.get(0), example.getLong(1));
        if (duplicateIds.equals("fail")) {
            throw new InputTableException("input " + table + ": " + what + "; each output row carries its input row's id, so"
                    + " these rows could not be told apart: make the ids unique (if the input is CSV, check that it is read"
                    + " with its own quoting: csv.escape), or set duplicate_ids=warn to run anyway");
        }
        out.printf(Locale.ROOT, "[spark-llama] warning: input %s: %s; their output rows share those ids%n", table, what);
    }
}
