package io.sparkllama.udfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.InvalidSchemaException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code parsed} column of constrained generation: the completion's JSON as a Spark struct.
 * Its type is {@code output_schema}, a Spark DDL string, or derived from the {@code json_schema}
 * (object to struct, string to string, integer to bigint, number to double, boolean to boolean,
 * array to array, an enum to the type of its values, string for a mixed one).
 */
public final class ParsedColumn {
    /** The column's name. */
    public static final String NAME = "parsed";
    /** The {@code output_schema} value that derives the struct from the job's {@code json_schema}. */
    public static final String DERIVE = "json_schema";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParsedColumn() {
    }

    /**
     * The struct type of {@code outputSchema}: a DDL string, or {@link #DERIVE} with {@code jsonSchema}.
     *
     * @throws InvalidSchemaException naming {@code output_schema} when it cannot be read
     */
    public static StructType type(String outputSchema, String jsonSchema) {
        if (DERIVE.equals(outputSchema.trim())) {
            if (jsonSchema == null) {
                throw new InvalidSchemaException("output_schema=json_schema needs the job's json_schema setting; or give a Spark DDL string");
            }
            DataType t = derive(readSchema(jsonSchema), "$");
            if (!(t instanceof StructType s)) {
                throw new InvalidSchemaException("output_schema=json_schema needs a json_schema of type object, got " + t.simpleString());
            }
            return s;
        }
        try {
            return StructType.fromDDL(outputSchema);
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("output_schema is not a Spark DDL string such as 'name STRING, age BIGINT': " + e.getMessage());
        }
    }

    private static JsonNode readSchema(String jsonSchema) {
        try {
            return JSON.readTree(jsonSchema);
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException("json_schema: $ is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static DataType derive(JsonNode s, String path) {
        if (s.has("enum")) {
            boolean strings = true;
            boolean integers = true;
            boolean numbers = true;
            boolean booleans = true;
            for (JsonNode v : s.get("enum")) {
                strings &= v.isTextual();
                integers &= v.isIntegralNumber();
                numbers &= v.isNumber();
                booleans &= v.isBoolean();
            }
            return integers ? DataTypes.LongType : numbers ? DataTypes.DoubleType : booleans ? DataTypes.BooleanType : DataTypes.StringType;
        }
        switch (s.path("type").asText()) {
            case "object": {
                List<StructField> fields = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    fields.add(DataTypes.createStructField(e.getKey(), derive(e.getValue(), path + ".properties." + e.getKey()), true));
                }
                return DataTypes.createStructType(fields);
            }
            case "array":
                return DataTypes.createArrayType(derive(s.path("items"), path + ".items"), true);
            case "integer":
                return DataTypes.LongType;
            case "number":
                return DataTypes.DoubleType;
            case "boolean":
                return DataTypes.BooleanType;
            case "string":
                return DataTypes.StringType;
            default:
                throw new InvalidSchemaException("json_schema: " + path + " has no type output_schema can derive; give output_schema as a DDL string");
        }
    }

    /** The completion's JSON as a value of {@code type}, or null where the text is not a JSON object. */
    public static Row parse(String json, StructType type) {
        try {
            JsonNode v = JSON.readTree(json);
            return v != null && v.isObject() ? (Row) value(v, type) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Object value(JsonNode v, DataType t) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (t instanceof StructType s) {
            if (!v.isObject()) {
                return null;
            }
            Object[] fields = new Object[s.fields().length];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = value(v.get(s.fields()[i].name()), s.fields()[i].dataType());
            }
            return RowFactory.create(fields);
        }
        if (t instanceof ArrayType a) {
            if (!v.isArray()) {
                return null;
            }
            Object[] items = new Object[v.size()]; // Spark's external type for an array: an array or a Seq, not a java List
            for (int i = 0; i < items.length; i++) {
                items[i] = value(v.get(i), a.elementType());
            }
            return items;
        }
        if (t == DataTypes.StringType) {
            return v.isTextual() ? v.textValue() : v.toString();
        }
        if (t == DataTypes.LongType) {
            return v.canConvertToLong() && v.isIntegralNumber() ? v.longValue() : null;
        }
        if (t == DataTypes.IntegerType) {
            return v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : null;
        }
        if (t == DataTypes.DoubleType) {
            return v.isNumber() ? v.doubleValue() : null;
        }
        if (t == DataTypes.FloatType) {
            return v.isNumber() ? v.floatValue() : null;
        }
        if (t == DataTypes.BooleanType) {
            return v.isBoolean() ? v.booleanValue() : null;
        }
        return null; // a type output_schema may name but JSON cannot fill: left null
    }
}
