package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;

import io.sparkllama.datasets.TableReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** With {@code bad_rows=error}: each malformed input line as an output row with null input columns and an error naming the line's text. */
final class MalformedRows {
    private MalformedRows() {
    }

    static Dataset<Row> asErrorRows(Dataset<Row> malformed, StructType outSchema) {
        List<Column> columns = new ArrayList<>();
        List<String> input = List.of(malformed.schema().fieldNames());
        for (StructField f : outSchema.fields()) {
            // Spark's JSON reader leaves every parsed column null on a malformed line; naming the input
            // columns here also keeps the query from reading the corrupt-record column alone, which Spark refuses.
            Column c = f.name().equals("error")
                    ? concat(lit("malformed input line (not JSON): "), substring(col(TableReader.CORRUPT_RECORD), 1, 200))
                    : input.contains(f.name()) ? col(f.name()) : lit(null).cast(f.dataType());
            columns.add(c.as(f.name()));
        }
        return malformed.select(columns.toArray(Column[]::new));
    }
}
