package io.sparkllama.udfs.batch;

import io.sparkllama.udfs.ModelHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The DataFrame API's {@code mapPartitions} function: each input row, every column kept, with the
 * task's result fields appended; rows go to the engine in micro-batches.
 */
public final class DataFrameRows implements MapPartitionsFunction<Row, Row> {
    private final LlamaTask task;
    private final int[] textColumns;
    private final int settingsColumn;
    private final Broadcast<ModelHandle> model;
    private final LlamaSettings settings;

    /** @param settingsColumn the index of a {@code map<string,string>} column of per-row settings, or -1 */
    public DataFrameRows(LlamaTask task, int[] textColumns, int settingsColumn, Broadcast<ModelHandle> model, LlamaSettings settings) {
        this.task = task;
        this.textColumns = textColumns.clone();
        this.settingsColumn = settingsColumn;
        this.model = model;
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        BatchInference inference = TaskInference.open(task, model, settings);
        return new MicroBatches<>(rows, LlamaTask.batchSize(settings), UnaryOperator.identity(), batch -> {
            List<InferenceInput> inputs = new ArrayList<>(batch.size());
            for (Row row : batch) {
                String[] texts = new String[textColumns.length];
                for (int i = 0; i < texts.length; i++) {
                    texts[i] = row.isNullAt(textColumns[i]) ? null : row.getString(textColumns[i]);
                }
                Map<String, String> rowSettings = settingsColumn < 0 || row.isNullAt(settingsColumn) ? Map.of() : row.getJavaMap(settingsColumn);
                inputs.add(new InferenceInput(texts, rowSettings));
            }
            List<Row> results = inference.run(inputs);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row in = batch.get(i);
                Row r = results.get(i);
                Object[] values = new Object[in.size() + r.size()];
                for (int c = 0; c < in.size(); c++) {
                    values[c] = in.get(c);
                }
                for (int c = 0; c < r.size(); c++) {
                    values[in.size() + c] = r.get(c);
                }
                out.add(RowFactory.create(values));
            }
            return out;
        });
    }
}
