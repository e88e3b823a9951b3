package io.sparkllama.datasets;

import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Checks an input table's schema before any task runs, naming the missing or mistyped column. */
public final class RequiredColumns {
    private RequiredColumns() {
    }

    public static void require(String table, StructType schema, String column, DataType... allowed) {
        StructField field = find(schema, column);
        if (field == null) {
            throw new InputTableException("input " + table + " has no column '" + column + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        check(table, field, allowed);
    }

    /** An optional column: fine when absent, but if present it must have one of the allowed types. */
    public static boolean optional(String table, StructType schema, String column, DataType... allowed) {
        StructField field = find(schema, column);
        if (field == null) {
            return false;
        }
        check(table, field, allowed);
        return true;
    }

    /**
     * A column the output is ordered and compared by (the {@code id}): Spark cannot sort or compare
     * maps, so a map anywhere in its type is refused before anything is written.
     */
    public static void requireSortable(String table, StructType schema, String column) {
        StructField field = find(schema, column);
        if (field != null && holdsMap(field.dataType())) {
            throw new ColumnTypeException("input " + table + ": column '" + column + "' has type " + field.dataType().simpleString()
                    + ", which holds a map; maps cannot be sorted or compared, so use a string, number or struct id");
        }
    }

    private static boolean holdsMap(DataType t) {
        if (t instanceof org.apache.spark.sql.types.MapType) {
            return true;
        }
        if (t instanceof org.apache.spark.sql.types.ArrayType a) {
            return holdsMap(a.elementType());
        }
        if (t instanceof StructType s) {
            return Arrays.stream(s.fields()).anyMatch(f -> holdsMap(f.dataType()));
        }
        return false;
    }

    private static StructField find(StructType schema, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        return null;
    }

    private static void check(String table, StructField field, DataType[] allowed) {
        if (allowed.length == 0) {
            return;
        }
        for (DataType t : allowed) {
            if (t.equals(field.dataType())) {
                return;
            }
        }
        String wanted = allowed.length == 1 ? "a " + allowed[0].simpleString() : "one of " + Arrays.stream(allowed)
                .map(DataType::simpleString).toList();
        throw new ColumnTypeException("input " + table + ": column '" + field.name() + "' has type " + field.dataType().simpleString()
                + " where " + wanted + " is needed: cast it when writing the table (Spark: col(\"" + field.name() + "\").cast(\""
                + allowed[0].simpleString() + "\"))");
    }
}
