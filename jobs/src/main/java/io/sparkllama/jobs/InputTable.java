package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.datasets.TableReader;
import io.sparkllama.datasets.scan.InputScan;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A job's input, read with every column and checked: the rows to run, and with JSON input the
 * malformed lines ({@code bad_rows}).
 *
 * @param rows           the well-formed rows, every input column
 * @param malformed      the malformed JSON lines (the corrupt-record column set), or null
 * @param totalRows      the well-formed rows' count, for the progress lines
 * @param malformedLines the malformed lines the driver's scan counted
 */
record InputTable(Dataset<Row> rows, Dataset<Row> malformed, long totalRows, long malformedLines) {
    /** Reads the input and checks its schema and ids (one Spark job over the ids, before any inference). */
    static InputTable read(SparkSession spark, JobSpec spec, InputScan.Result scanned, PrintStream out) {
        CommonSettings common = spec.common();
        Dataset<Row> asRead = TableReader.readAll(spark, spec.input(), common.inputFormat(), common.badRows(), scanned.csv(),
                scanned.files().get(0).uri(), spec.columns());
        Dataset<Row> rows = asRead;
        Dataset<Row> malformed = null;
        if (Arrays.asList(asRead.schema().fieldNames()).contains(TableReader.CORRUPT_RECORD)) {
            malformed = asRead.filter(col(TableReader.CORRUPT_RECORD).isNotNull());
            rows = asRead.filter(col(TableReader.CORRUPT_RECORD).isNull()).drop(TableReader.CORRUPT_RECORD);
        }
        spec.checkInput().accept(rows.schema());
        // Rows sharing an id cannot be told apart in the output.
        InputCounts counts = InputCounts.of(rows);
        counts.checkIds(spec.input(), common.duplicateIds(), out);
        // Spark refuses a query of raw JSON that reads only the corrupt-record column, which counting
        // the good rows would be; the scan counted the malformed lines already.
        long malformedLines = malformed == null ? 0 : scanned.malformedLines();
        long total = malformed == null ? counts.rows() : asRead.count() - malformedLines;
        return new InputTable(rows, malformed, total, malformedLines);
    }

    /** {@code results} with, for {@code bad_rows=error}, an error row per malformed line; else notes the lines left out. */
    Dataset<Row> withMalformed(Dataset<Row> results, BadRows badRows, PrintStream out) {
        if (malformed != null && badRows == BadRows.ERROR) {
            return results.union(MalformedRows.asErrorRows(malformed, results.schema()));
        }
        if (malformedLines > 0) {
            out.printf(Locale.ROOT, "[spark-llama] left out %d malformed input lines (bad_rows=skip)%n", malformedLines);
        }
        return results;
    }

    /** Output rows that are malformed lines. */
    long errorRows(BadRows badRows) {
        return badRows == BadRows.ERROR ? malformedLines : 0;
    }
}
