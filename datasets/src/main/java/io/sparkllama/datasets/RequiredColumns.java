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
        throw new InputTableException("input " + table + ": column '" + field.name() + "' has type "
                + field.dataType().simpleString() + ", expected one of " + Arrays.stream(allowed).map(DataType::simpleString).toList());
    }
}
