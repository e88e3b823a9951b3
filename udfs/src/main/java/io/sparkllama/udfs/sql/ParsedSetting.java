package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ParsedColumn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * {@code output_schema} in a generate call's settings map: Spark needs the result type when the
 * query is planned, so it is read only from a literal map (a foldable expression such as
 * {@code map('json_schema', '{...}', 'output_schema', 'json_schema')}), whose {@code json_schema}
 * it may derive the struct from.
 */
final class ParsedSetting {
    private ParsedSetting() {
    }

    /**
     * The {@code parsed} struct type of {@code call}, or null when its settings are not a literal
     * map or name no {@code output_schema}.
     *
     * @throws io.sparkllama.engine.error.InvalidSchemaException when the output_schema cannot be read
     */
    static StructType of(LlamaCall call) {
        if (!call.hasSettings()) {
            return null;
        }
        List<Expression> args = call.arguments();
        Expression settings = args.get(args.size() - 1);
        if (!settings.resolved() || !settings.foldable() || !(settings.dataType() instanceof MapType)) {
            return null;
        }
        Object value = settings.eval(null);
        if (!(value instanceof MapData m)) {
            return null;
        }
        Map<String, String> map = new HashMap<>();
        ArrayData keys = m.keyArray();
        ArrayData values = m.valueArray();
        for (int i = 0; i < m.numElements(); i++) {
            map.put(keys.getUTF8String(i).toString(), values.isNullAt(i) ? null : values.getUTF8String(i).toString());
        }
        String outputSchema = map.get(LlamaTask.OUTPUT_SCHEMA);
        return outputSchema == null ? null : ParsedColumn.type(outputSchema, map.get("json_schema"));
    }
}
