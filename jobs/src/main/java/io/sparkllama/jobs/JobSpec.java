package io.sparkllama.jobs;

import io.sparkllama.engine.Engine;
import io.sparkllama.udfs.LlamaTask;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.types.StructType;

/**
 * What distinguishes one inference job from another for {@link InferenceRun}.
 *
 * @param textColumn   the column whose length {@code balance_by_length} partitions by
 * @param stringColumns the text columns the job reads, which must hold strings in every row
 * @param optionalColumns per-row settings the job reads where present
 * @param checkInput   validates the input schema (throws {@code InputTableException})
 * @param checkModel   checks the job's settings against the loaded model on the driver (throws {@code JobConfigException})
 * @param task         what the DataFrame API computes for the job
 * @param options      the DataFrame API's options for the job's settings ({@code optionalColumns} present in the input are added)
 * @param recorded     the job's resolved settings, stored in the run's metadata
 * @param tokenCache   the {@code token_cache} root directory, or null (off, or a job without one)
 */
public record JobSpec(String job, String input, String output, CommonSettings common, String model, String tokenizer,
                      String textColumn, List<String> stringColumns, List<String> optionalColumns, Consumer<StructType> checkInput,
                      Consumer<Engine> checkModel, LlamaTask task,
                      Map<String, String> options, Map<String, Object> recorded, String tokenCache) {
    /** This spec with other paths (made absolute on the driver by {@link JobPaths}). */
    JobSpec withPaths(String input, String output, String model, String tokenizer, String tokenCache) {
        return new JobSpec(job, input, output, common, model, tokenizer, textColumn, stringColumns, optionalColumns, checkInput,
                checkModel, task, options, recorded, tokenCache);
    }

    /** Every column the job itself reads: the id, the text columns and the optional ones (the others are carried to the output). */
    public List<String> columns() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(); // generate's system is both a text and a per-row column
        all.add("id");
        all.addAll(stringColumns);
        all.addAll(optionalColumns);
        return List.copyOf(all);
    }
}
