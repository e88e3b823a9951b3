package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.batch.BatchInference;
import io.sparkllama.udfs.batch.InferenceInput;
import io.sparkllama.udfs.batch.LlamaSettings;
import io.sparkllama.udfs.batch.LlamaTask;
import io.sparkllama.udfs.batch.MicroBatches;
import io.sparkllama.udfs.batch.TaskInference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What {@link LlamaBatchEvalExec} runs on each partition: evaluates the call's arguments per row,
 * runs micro-batches through the engine, and emits each input row with the result struct appended.
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
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        BatchInference inference = TaskInference.open(task, model, settings);
        UnsafeProjection args = UnsafeProjection$.MODULE$.create(arguments, input);
        UnsafeProjection out = UnsafeProjection$.MODULE$.create(outputTypes);
        Function1<Object, Object> toCatalyst = CatalystTypeConverters.createToCatalystConverter(task.schema());
        int texts = task.textArguments().size();
        boolean hasSettings = arguments.size() > texts;
        // Rows are copied: the child may reuse one row object for every row it emits.
        return new MicroBatches<InternalRow, InternalRow>(rows, LlamaTask.batchSize(settings), InternalRow::copy, batch -> {
            List<InferenceInput> inputs = new ArrayList<>(batch.size());
            for (InternalRow row : batch) {
                UnsafeRow a = args.apply(row);
                String[] values = new String[texts];
                for (int i = 0; i < texts; i++) {
                    values[i] = a.isNullAt(i) ? null : a.getUTF8String(i).toString();
                }
                inputs.add(new InferenceInput(values, hasSettings && !a.isNullAt(texts) ? settingsMap(a.getMap(texts)) : Map.of()));
            }
            List<Row> results = inference.run(inputs);
            List<InternalRow> joined = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                InternalRow struct = (InternalRow) toCatalyst.apply(results.get(i));
                joined.add(out.apply(new JoinedRow(batch.get(i), new GenericInternalRow(new Object[] {struct}))).copy());
            }
            return joined;
        });
    }

    private static Map<String, String> settingsMap(MapData m) {
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
