package io.sparkllama.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads an input table from any Hadoop URI or local path: Parquet, JSON Lines, CSV (with a header
 * row) or plain text (one row per line, column {@code text}). The format comes from the name's
 * extension unless given. The jobs read only the columns they use, CSV in the dialect the driver's
 * scan found ({@link CsvDialect}), Parquet with the schema of those columns alone ({@link ParquetColumns}).
 */
public final class TableReader {
    /** CSV as read where no scan chose a dialect: RFC 4180 with LF line endings. */
    private static final CsvDialect DEFAULT_CSV = new CsvDialect('"', '"', ',', "\n");
    /** The column holding a malformed JSON line's text when {@code bad_rows} is error or skip. */
    public static final String CORRUPT_RECORD = "_corrupt_record";

    private TableReader() {
    }

    /** The format to read: {@code format} unless null or {@code auto}, else detected from the name. */
    public static String resolveFormat(String uri, String format) {
        return format == null || format.equals("auto") ? detect(uri) : format.toLowerCase(Locale.ROOT);
    }

    /**
     * As {@link #read(SparkSession, String, String)}; with {@code bad_rows} error or skip a JSON line that
     * is not JSON is kept as a row whose {@value #CORRUPT_RECORD} column holds its text (the driver's
     * scan has already refused every other kind of damage).
     */
    public static Dataset<Row> read(SparkSession spark, String uri, String format, BadRows badRows) {
        String f = resolveFormat(uri, format);
        if ((f.equals("jsonl") || f.equals("json")) && badRows != BadRows.FAIL) {
            return spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT_RECORD).json(uri);
        }
        return read(spark, uri, f);
    }

    /**
     * A job's read: only {@code columns} (those absent are left out, for the job's schema check to
     * name), CSV in the scanned {@code csv} dialect, Parquet typed from {@code firstFile}'s footer.
     */
    public static Dataset<Row> read(SparkSession spark, String uri, String format, BadRows badRows, CsvDialect csv,
                                    String firstFile, List<String> columns) {
        return read(spark, uri, format, badRows, csv, firstFile, columns, false);
    }

    /**
     * A job's read that keeps every column of the table (those Spark cannot type are left out,
     * unless one of {@code columns}, which the job reads itself), in the table's order.
     */
    public static Dataset<Row> readAll(SparkSession spark, String uri, String format, BadRows badRows, CsvDialect csv,
                                       String firstFile, List<String> columns) {
        return read(spark, uri, format, badRows, csv, firstFile, columns, true);
    }

    private static Dataset<Row> read(SparkSession spark, String uri, String format, BadRows badRows, CsvDialect csv,
                                     String firstFile, List<String> columns, boolean others) {
        String f = resolveFormat(uri, format);
        Dataset<Row> table = switch (f) {
            case "parquet" -> spark.read().schema(ParquetColumns.schema(firstFile, columns, others,
                    spark.sparkContext().hadoopConfiguration())).parquet(uri);
            case "csv" -> spark.read().options(csv == null ? DEFAULT_CSV.readerOptions() : csv.readerOptions()).csv(uri);
            default -> read(spark, uri, f, badRows);
        };
        if (others) {
            return table;
        }
        // The job's columns that the table holds (a missing one is named by the job's schema check).
        List<String> names = List.of(table.schema().fieldNames());
        List<Column> keep = new ArrayList<>();
        for (String c : columns) {
            if (names.contains(c)) {
                keep.add(functions.col(c));
            }
        }
        if (names.contains(CORRUPT_RECORD)) {
            keep.add(functions.col(CORRUPT_RECORD));
        }
        return table.select(keep.toArray(Column[]::new));
    }

    /**
     * @param format {@code parquet}, {@code jsonl}, {@code csv}, {@code text}, or null/"auto" to
     *               detect from the extension (a directory without one is read as Parquet)
     */
    public static Dataset<Row> read(SparkSession spark, String uri, String format) {
        String f = resolveFormat(uri, format);
        return switch (f) {
            case "parquet" -> spark.read().parquet(uri);
            case "jsonl", "json" -> spark.read().option("mode", "FAILFAST").json(uri);
            case "csv" -> spark.read().options(DEFAULT_CSV.readerOptions()).csv(uri);
            case "text", "txt" -> spark.read().text(uri).withColumnRenamed("value", "text");
            default -> throw new InputTableException("input " + uri + ": unknown format '" + f
                    + "' (use parquet, jsonl, csv or text)");
        };
    }

    static String detect(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return "jsonl";
        }
        if (name.endsWith(".csv")) {
            return "csv";
        }
        if (name.endsWith(".txt") || name.endsWith(".raw")) {
            return "text";
        }
        return "parquet";
    }
}
