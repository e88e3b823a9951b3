package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Where a row function finds its inputs in a row, by column position (-1: absent): the text
 * columns (prompt; text; context and continuation), a {@code map<string,string>} column of per-row
 * settings, the id (the token cache's key), and generate's per-row columns by setting name
 * ({@code max_tokens}, {@code temperature}, ..., {@code messages}, {@code n}, {@code top_logprobs},
 * {@code json_schema}, {@code choices}; {@code sample_index} where {@link SampleRows} appended it).
 */
public record InputColumns(int[] texts, int settings, int id, Map<String, Integer> rowColumns) implements Serializable {
    public InputColumns {
        texts = texts.clone();
        rowColumns = Map.copyOf(rowColumns);
    }

    /** The string in column {@code column} of {@code row}, or null when the column is absent or null. */
    static String string(Row row, int column) {
        return column < 0 || row.isNullAt(column) ? null : row.getString(column);
    }

    /** The strings in array column {@code column} of {@code row}, or null when the column is absent or null. */
    static java.util.List<String> strings(Row row, int column) {
        return column < 0 || row.isNullAt(column) ? null : row.getList(column);
    }

    /** Only text columns, at these positions. */
    public static InputColumns texts(int... texts) {
        return new InputColumns(texts, -1, -1, Map.of());
    }

    /** The {@code i}-th text argument of {@code row}, or null (also when the column is absent). */
    public String text(Row row, int i) {
        int c = texts[i];
        return c < 0 || row.isNullAt(c) ? null : row.getString(c);
    }

    /** The row's own settings; empty without a settings column or when the row's map is null. */
    public Map<String, String> settings(Row row) {
        return settings < 0 || row.isNullAt(settings) ? Map.of() : row.getJavaMap(settings);
    }

    /** The row's id (null without an id column). */
    public Object id(Row row) {
        return id < 0 ? null : row.get(id);
    }

    /** The row's own {@code top_logprobs} column (a number), or -1. */
    public int topLogprobs() {
        return column("top_logprobs");
    }

    /** The row's own {@code json_schema} column (a string), or -1. */
    public int jsonSchema() {
        return column("json_schema");
    }

    /** The row's own {@code choices} column (an array of strings), or -1. */
    public int choices() {
        return column("choices");
    }

    /** The position of the per-row column for setting {@code name}, or -1. */
    public int column(String name) {
        return rowColumns.getOrDefault(name, -1);
    }

    /**
     * The number in column {@code column} of {@code row}, or {@code fallback} when the column is
     * absent, null or (a CSV's empty cell) blank. Any numeric type is taken (tinyint to decimal,
     * pyarrow's unsigned types as Spark reads them), and so is a string holding a number, as a CSV
     * column is read; a string that is not one is the row's error, naming the column.
     */
    static Number number(Row row, int column, Number fallback) {
        if (column < 0 || row.isNullAt(column)) {
            return fallback;
        }
        Object value = row.get(column);
        if (value instanceof Number n) {
            return n;
        }
        String text = value.toString().strip();
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            String name = row.schema() == null ? "#" + column : row.schema().fields()[column].name();
            throw new InvalidRequestException("column '" + name + "' holds '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                    + "', not a number");
        }
    }
}
