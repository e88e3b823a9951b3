package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ParsedColumn;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The result struct of {@code llama_generate} and {@code llama_chat}: the generate job's result
 * fields (of sample 0), {@code parsed} where the call's literal settings name an
 * {@code output_schema}, then {@code completions}: null unless the row asked for {@code n > 1}
 * samples, else every sample's fields with its {@code sample_index}. One struct type whatever
 * {@code n} is, since Spark fixes the type when the query is planned while {@code n} may come per row.
 */
final class GenerateCallResult implements Serializable {
    static final String COMPLETIONS = "completions";
    private static final int PROMPT_TOKENS = LlamaTask.GENERATE.schema().fieldIndex("prompt_tokens");
    private static final int COMPLETION = LlamaTask.GENERATE.schema().fieldIndex("completion");
    private static final int ERROR = LlamaTask.GENERATE.schema().fieldIndex("error");

    private final StructType parsed;
    private final StructType sample;
    private final StructType type;

    /** @param parsed the {@code parsed} field's type, or null for none */
    GenerateCallResult(StructType parsed) {
        this.parsed = parsed;
        StructType job = LlamaTask.GENERATE.schema();
        List<StructField> fields = new ArrayList<>();
        fields.add(new StructField("sample_index", DataTypes.IntegerType, false, Metadata.empty()));
        for (StructField f : job.fields()) {
            if (!f.name().equals("prompt_tokens")) {
                fields.add(f);
            }
        }
        if (parsed != null) {
            fields.add(new StructField(ParsedColumn.NAME, parsed, true, Metadata.empty()));
            job = job.add(new StructField(ParsedColumn.NAME, parsed, true, Metadata.empty()));
        }
        this.sample = new StructType(fields.toArray(new StructField[0]));
        this.type = job.add(new StructField(COMPLETIONS, DataTypes.createArrayType(sample, false), true, Metadata.empty()));
    }

    boolean hasParsed() {
        return parsed != null;
    }

    StructType type() {
        return type;
    }

    /** The struct of a row's samples: the row function's results (the job's fields, in order), sample 0 first. */
    Row of(List<Row> samples) {
        Row first = samples.get(0);
        int jobFields = first.length();
        List<Object> values = new ArrayList<>(type.size());
        for (int i = 0; i < jobFields; i++) {
            values.add(first.get(i));
        }
        if (parsed != null) {
            values.add(parsedValue(first));
        }
        if (samples.size() > 1) {
            List<Row> all = new ArrayList<>(samples.size());
            for (int k = 0; k < samples.size(); k++) {
                Row r = samples.get(k);
                List<Object> s = new ArrayList<>(sample.size());
                s.add(k);
                for (int i = 0; i < jobFields; i++) {
                    if (i != PROMPT_TOKENS) {
                        s.add(r.get(i));
                    }
                }
                if (parsed != null) {
                    s.add(parsedValue(r));
                }
                all.add(RowFactory.create(s.toArray()));
            }
            values.add(all);
        } else {
            values.add(null);
        }
        return RowFactory.create(values.toArray());
    }

    private Object parsedValue(Row result) {
        String text = result.getString(COMPLETION);
        return text == null || !result.isNullAt(ERROR) ? null : ParsedColumn.parse(text, parsed);
    }

    /** A struct with only {@code error} set. */
    Row error(String message) {
        Object[] values = new Object[type.size()];
        values[type.fieldIndex("error")] = message;
        return RowFactory.create(values);
    }
}
