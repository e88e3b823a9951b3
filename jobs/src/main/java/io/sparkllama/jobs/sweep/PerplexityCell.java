package io.sparkllama.jobs.sweep;

import io.sparkllama.engine.score.DocumentSize;
import io.sparkllama.udfs.PerplexityRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A perplexity cell: one text file as one document on an executor (llama.cpp or rolling method), per-window rows out. */
public final class PerplexityCell {
    static final StructType SAMPLES = new StructType()
            .add("window", DataTypes.IntegerType, false)
            .add("nll_sum", DataTypes.DoubleType, false);

    private PerplexityCell() {
    }

    static CellResult run(CellContext cx, Cell cell) {
        long t0 = System.nanoTime();
        String text;
        try {
            text = Files.readString(TaskFileCopy.local(cell.task().path()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("perplexity cell: cannot read " + cell.task().path(), e);
        }
        String mode = cell.task().mode();
        List<Row> windows = new ArrayList<>(cx.spark().createDataFrame(List.of(RowFactory.create(0, text)), PerplexityRows.INPUT)
                .mapPartitions(new PerplexityRows(cx.model(), mode, cell.settings().ctx(), cx.threads()), Encoders.row(PerplexityRows.SCHEMA))
                .collectAsList());
        windows.sort(Comparator.comparingInt(r -> r.getInt(1)));
        double sum = 0;
        List<Row> samples = new ArrayList<>();
        for (Row w : windows) {
            sum += w.getDouble(2);
            samples.add(RowFactory.create(w.getInt(1), w.getDouble(2)));
        }
        Row head = windows.get(0);
        long scored = head.getLong(4);
        double mean = sum / scored;
        double ppl = Math.exp(mean);
        double var = head.getDouble(5) / scored - mean * mean;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", ppl);
        metrics.put("perplexity_stderr", scored > 1 ? ppl * Math.sqrt(Math.max(0, var) / (scored - 1)) : Double.NaN);
        if (mode.equals("rolling")) {
            DocumentSize size = DocumentSize.of(text);
            metrics.put("word_perplexity", size.wordPerplexity(sum));
            metrics.put("byte_perplexity", size.bytePerplexity(sum));
            metrics.put("bits_per_byte", size.bitsPerByte(sum));
        }
        metrics.put("n_tokens", (double) head.getInt(3));
        metrics.put("n_scored", (double) scored);
        metrics.put("n_windows", (double) windows.size());
        SampleWriter.write(cx, cell, samples, SAMPLES);
        double tokPerS = head.getLong(7) <= 0 ? 0 : head.getLong(6) * 1e9 / head.getLong(7);
        return new CellResult(metrics, (System.nanoTime() - t0) / 1e9, tokPerS, head.getLong(6));
    }
}
