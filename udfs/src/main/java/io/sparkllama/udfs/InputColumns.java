package io.sparkllama.udfs;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Where a row function finds its inputs in a row, by column position (-1: absent): the text
 * columns (prompt; text; context and continuation), a {@code map<string,string>} column of per-row
 * settings, the id (the token cache's key), and numeric columns that override generation settings
 * per row ({@code max_tokens}, {@code temperature}, {@code seed}), and a row's own output columns
 * ({@code top_logprobs}, a number; {@code json_schema}, a string; {@code choices}, an array of strings).
 */
public record InputColumns(int[] texts, int settings, int id, int maxTokens, int temperature, int seed, int topLogprobs,
                           int jsonSchema, int choices) implements Serializable {
    public InputColumns {
        texts = texts.clone();
    }

    /** Without output columns. */
    public InputColumns(int[] texts, int settings, int id, int maxTokens, int temperature, int seed) {
        this(texts, settings, id, maxTokens, temperature, seed, -1, -1, -1);
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
        return new InputColumns(texts, -1, -1, -1, -1, -1);
    }

    /** The {@code i}-th text argument of {@code row}, or null. */
    public String text(Row row, int i) {
        int c = texts[i];
        return row.isNullAt(c) ? null : row.getString(c);
    }

    /** The row's own settings; empty without a settings column or when the row's map is null. */
    public Map<String, String> settings(Row row) {
        return settings < 0 || row.isNullAt(settings) ? Map.of() : row.getJavaMap(settings);
    }

    /** The row's id (null without an id column). */
    public Object id(Row row) {
        return id < 0 ? null : row.get(id);
    }

    /** The number in column {@code column} of {@code row}, or {@code fallback} when the column is absent or null. */
    static Number number(Row row, int column, Number fallback) {
        return column < 0 || row.isNullAt(column) ? fallback : (Number) row.get(column);
    }
}
