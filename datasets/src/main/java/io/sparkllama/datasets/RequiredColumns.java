package io.sparkllama.datasets;

import java.util.Arrays;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StringType;
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
     * An optional per-row number: fine when absent; if present, any integer type (tinyint to
     * bigint, a decimal of scale 0 such as pyarrow's uint64), for {@code fractional} also float,
     * double and any decimal, or a string (a CSV's columns; each value is parsed with its row).
     */
    public static boolean optionalNumber(String table, StructType schema, String column, boolean fractional) {
        StructField field = find(schema, column);
        if (field == null) {
            return false;
        }
        DataType t = field.dataType();
        boolean integral = t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType
                || t instanceof DecimalType d && d.scale() == 0;
        boolean ok = t instanceof StringType || integral || fractional && (t instanceof FloatType || t instanceof DoubleType || t instanceof DecimalType);
        if (!ok) {
            throw new ColumnTypeException("input " + table + ": column '" + column + "' has type " + t.simpleString() + " where "
                    + (fractional ? "a number" : "an integer") + " (or a string holding one) is needed: cast it when writing the table"
                    + " (Spark: col(\"" + column + "\").cast(\"" + (fractional ? "double" : "bigint") + "\"))");
        }
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
