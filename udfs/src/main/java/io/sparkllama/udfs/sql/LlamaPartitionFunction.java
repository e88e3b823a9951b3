package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.InputColumns;
import io.sparkllama.udfs.InputOrderJoin;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.LlamaSettings;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelHandle;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What {@link LlamaBatchEvalExec} runs on each partition: evaluates the call's arguments per row,
 * runs them through the task's row function (the jobs' streaming generation and packed scoring),
 * and emits each input row with the result struct appended.
 */
final class LlamaPartitionFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private final LlamaTask task;
    private final Seq<Expression> arguments;
    private final Seq<Attribute> input;
    private final DataType[] outputTypes;
    private final Broadcast<ModelHandle> model;
    private final LlamaSettings settings;

    LlamaPartitionFunction(LlamaCall call, Seq<Attribute> input, DataType[] outputTypes, Broadcast<ModelHandle> model,
                           LlamaSettings settings) {
        this.task = call.task();
        this.arguments = call.children();
        this.input = input;
        this.outputTypes = outputTypes;
        this.model = model;
        this.settings = settings;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) throws Exception {
        UnsafeProjection args = UnsafeProjection$.MODULE$.create(arguments, input);
        UnsafeProjection out = UnsafeProjection$.MODULE$.create(outputTypes);
        Function1<Object, Object> toCatalyst = CatalystTypeConverters.createToCatalystConverter(task.schema());
        int texts = task.textArguments().size();
        boolean hasSettings = arguments.size() > texts;
        int[] textColumns = new int[texts];
        for (int i = 0; i < texts; i++) {
            textColumns[i] = i;
        }
        // The row function reads the evaluated arguments: the texts, then the settings map.
        InputColumns columns = new InputColumns(textColumns, hasSettings ? texts : -1, -1, Map.of());
        MapPartitionsFunction<Row, Row> results = task.rows(model, settings, columns, JobProgress.none(), null);
        // Rows are copied: the child may reuse one row object for every row it emits.
        return new InputOrderJoin<InternalRow, InternalRow>(rows, InternalRow::copy, row -> {
            UnsafeRow a = args.apply(row);
            Object[] values = new Object[texts + (hasSettings ? 1 : 0)];
            for (int i = 0; i < texts; i++) {
                values[i] = a.isNullAt(i) ? null : a.getUTF8String(i).toString();
            }
            if (hasSettings) {
                values[texts] = a.isNullAt(texts) ? null : CollectionConverters.asScala(settingsMap(a.getMap(texts))); // as a Row holds maps
            }
            return RowFactory.create(values);
        }, results, (row, result) -> {
            InternalRow struct = (InternalRow) toCatalyst.apply(result);
            return out.apply(new JoinedRow(row, new GenericInternalRow(new Object[] {struct}))).copy();
        });
    }

    /** A settings map argument as Java strings (a null value stays null). */
    static Map<String, String> settingsMap(MapData m) {
        ArrayData keys = m.keyArray();
        ArrayData values = m.valueArray();
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < m.numElements(); i++) {
            out.put(keys.getUTF8String(i).toString(), values.isNullAt(i) ? null : values.getUTF8String(i).toString());
        }
        return out;
    }

    /** The output row's column types: the input's, then the result struct. */
    static DataType[] outputTypes(Seq<Attribute> output) {
        return CollectionConverters.asJava(output).stream().map(Attribute::dataType).toArray(DataType[]::new);
    }
}
