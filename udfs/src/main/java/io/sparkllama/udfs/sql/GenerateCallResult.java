package io.sparkllama.udfs.sql;

import io.sparkllama.udfs.LlamaTask;
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
 * fields (of sample 0), then {@code completions}, null unless the row asked for {@code n > 1}
 * samples, else every sample's fields with its {@code sample_index}. One struct type whatever
 * {@code n} is, since Spark fixes the type when the query is planned while {@code n} may come per row.
 */
final class GenerateCallResult {
    static final String COMPLETIONS = "completions";
    /** The per-sample fields: the job's result fields but {@code prompt_tokens} (the same for every sample). */
    static final StructType SAMPLE;
    static final StructType TYPE;

    static {
        StructType job = LlamaTask.GENERATE.schema();
        List<StructField> sample = new ArrayList<>();
        sample.add(new StructField("sample_index", DataTypes.IntegerType, false, Metadata.empty()));
        for (StructField f : job.fields()) {
            if (!f.name().equals("prompt_tokens")) {
                sample.add(f);
            }
        }
        SAMPLE = new StructType(sample.toArray(new StructField[0]));
        TYPE = job.add(new StructField(COMPLETIONS, DataTypes.createArrayType(SAMPLE, false), true, Metadata.empty()));
    }

    private GenerateCallResult() {
    }

    /** The struct of a row's samples (results in the job's field order, sample 0 first). */
    static Row of(List<Row> samples) {
        Row first = samples.get(0);
        int jobFields = first.length();
        Object[] values = new Object[jobFields + 1];
        for (int i = 0; i < jobFields; i++) {
            values[i] = first.get(i);
        }
        if (samples.size() > 1) {
            List<Row> all = new ArrayList<>(samples.size());
            int promptTokens = LlamaTask.GENERATE.schema().fieldIndex("prompt_tokens");
            for (int k = 0; k < samples.size(); k++) {
                Row r = samples.get(k);
                Object[] s = new Object[SAMPLE.size()];
                s[0] = k;
                int at = 1;
                for (int i = 0; i < jobFields; i++) {
                    if (i != promptTokens) {
                        s[at++] = r.get(i);
                    }
                }
                all.add(RowFactory.create(s));
            }
            values[jobFields] = all;
        }
        return RowFactory.create(values);
    }

    /** A struct with only {@code error} set. */
    static Row error(String message) {
        Object[] values = new Object[TYPE.size()];
        values[TYPE.fieldIndex("error")] = message;
        return RowFactory.create(values);
    }
}
