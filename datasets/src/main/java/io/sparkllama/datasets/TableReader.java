package io.sparkllama.datasets;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads an input table from any Hadoop URI or local path: Parquet, JSON Lines, CSV (with a header
 * row) or plain text (one row per line, column {@code text}). The format comes from the name's
 * extension unless given.
 */
public final class TableReader {
    private TableReader() {
    }

    /**
     * @param format {@code parquet}, {@code jsonl}, {@code csv}, {@code text}, or null/"auto" to
     *               detect from the extension (a directory without one is read as Parquet)
     */
    public static Dataset<Row> read(SparkSession spark, String uri, String format) {
        String f = format == null || format.equals("auto") ? detect(uri) : format.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "parquet" -> spark.read().parquet(uri);
            case "jsonl", "json" -> spark.read().option("mode", "FAILFAST").json(uri);
            case "csv" -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(uri);
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
